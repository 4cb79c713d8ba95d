import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startThrowawayRedis } from "../../scripts/platform.ts";
import { startUpstashTwin, type UpstashTwin } from "../../scripts/upstash-twin.ts";
import type { KeyValueStore } from "../../worker/src/adapters/store/interface";
import { memoryStore } from "../../worker/src/adapters/store/memory";
import { upstashStore } from "../../worker/src/adapters/store/upstash";
import type { Env } from "../../worker/src/env";
import { limitWith, type Spend } from "../../worker/src/shared/rate-limit";

/**
 * The limiter over both stores: the real Upstash adapter against the Upstash twin, which counts the
 * HTTP requests it answers (a round trip each) and the commands Upstash would bill, over a real
 * Redis and in memory (ioredis-mock's Lua); and the in-memory store unit tests use. The same
 * sequences must give the same answers everywhere.
 */
type Backend = "twin over Redis" | "twin in memory" | "memory store";

const unique = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;
/** A second into the current window of `ms`: a test's few seconds of calls never cross into the next. */
const windowStart = (ms: number) => Math.floor(Date.now() / ms) * ms + 1000;
const draft = (ip: string, account: string): Spend[] => [
  { policy: "draftIp", identifier: ip },
  { policy: "draftAccount", identifier: account },
];

describe.each<Backend>(["twin over Redis", "twin in memory", "memory store"])(
  "the limiter on the %s",
  (backend) => {
    let twin: UpstashTwin | undefined;
    let redis: Awaited<ReturnType<typeof startThrowawayRedis>> = null;
    let store: KeyValueStore;
    /** The twin's counters since the last call (zeros for the memory store, which has none). */
    let mark = { requests: 0, commands: 0 };
    const since = () => {
      const now = { requests: twin?.requests ?? 0, commands: twin?.commands ?? 0 };
      const delta = { requests: now.requests - mark.requests, commands: now.commands - mark.commands };
      mark = now;
      return delta;
    };

    beforeAll(async () => {
      if (backend === "memory store") {
        store = memoryStore();
        return;
      }
      if (backend === "twin over Redis") {
        redis = await startThrowawayRedis();
        if (!redis)
          throw new Error(
            "redis-server is not on PATH (npm test installs it; or apt-get install redis-server)",
          );
      }
      twin = await startUpstashTwin({ port: 0, redisUrl: redis?.url ?? "memory" });
      store = upstashStore({ UPSTASH_REDIS_REST_URL: twin.url, UPSTASH_REDIS_REST_TOKEN: twin.token } as Env);
    });

    afterAll(async () => {
      await twin?.close();
      await redis?.stop();
    });

    it("an IP and an account in one request (one command); the 6th from one address in a minute is refused and spends nothing", async () => {
      const ip = unique("ip");
      const account = unique("account");
      const t0 = windowStart(86_400_000);
      // The first call may find the script not loaded yet (EVALSHA, then EVAL): load it once.
      await limitWith(store, draft(unique("warm"), unique("warm")), t0);
      since();
      for (let i = 0; i < 5; i++) {
        const decision = await limitWith(store, draft(ip, account), t0 + i);
        expect(decision.refused).toBeNull();
        expect(decision.roundTrips).toBe(1);
        if (twin) expect(since()).toEqual({ requests: 1, commands: 1 });
      }
      const sixth = await limitWith(store, draft(ip, account), t0 + 10_000);
      expect(sixth.refused).toEqual({ policy: "draftIp", retryMs: 50_000 });
      expect(sixth.roundTrips).toBe(1);
      if (twin) expect(since()).toEqual({ requests: 1, commands: 1 });

      // Known to be blocked: refused from memory, no request at all, until the oldest leaves the window.
      for (let i = 0; i < 3; i++) {
        const again = await limitWith(store, draft(ip, account), t0 + 20_000);
        expect(again.refused).toEqual({ policy: "draftIp", retryMs: 40_000 });
        expect(again.roundTrips).toBe(0);
      }
      if (twin) expect(since()).toEqual({ requests: 0, commands: 0 });

      // The refusals spent none of the account's quota: 25 more from other addresses pass, the 31st not.
      for (let i = 0; i < 25; i++)
        expect((await limitWith(store, draft(unique("ip"), account), t0 + 30_000 + i)).refused).toBeNull();
      const over = await limitWith(store, draft(unique("ip"), account), t0 + 31_000);
      expect(over.refused?.policy).toBe("draftAccount");
      // Independent of the address: a fresh one is refused for the account, and the account's block
      // is now known, so the next fresh address costs no request either.
      since();
      expect((await limitWith(store, draft(unique("ip"), account), t0 + 32_000)).roundTrips).toBe(0);
      if (twin) expect(since()).toEqual({ requests: 0, commands: 0 });
      // Another account from the first address is refused by the address, not by its own quota.
      expect((await limitWith(store, draft(ip, unique("account")), t0 + 33_000)).refused?.policy).toBe(
        "draftIp",
      );
      // A minute after the first five, the address may draft again (for another account).
      const later = await limitWith(store, draft(ip, unique("account")), t0 + 60_005);
      expect(later.refused).toBeNull();
    });

    it("exact log: at most 5 in ANY 60 s, bursts either side of a window edge included", async () => {
      const ip = unique("ip");
      const t0 = Math.ceil(Date.now() / 60_000) * 60_000;
      const seen: boolean[] = [];
      const spend = async (t: number) =>
        seen.push((await limitWith(store, [{ policy: "draftIp", identifier: ip }], t)).refused === null);
      await spend(t0);
      for (let i = 0; i < 4; i++) await spend(t0 + 59_900);
      for (let i = 0; i < 5; i++) await spend(t0 + 60_100);
      expect(seen).toEqual([true, true, true, true, true, true, false, false, false, false]);
    });

    it("sliding window: the previous window counts by its overlap; a refusal waits until a token is free", async () => {
      const id = unique("address");
      const hour = 3_600_000;
      const t0 = Math.ceil(Date.now() / hour) * hour;
      const spend = (t: number) => limitWith(store, [{ policy: "registerIp", identifier: id }], t);
      for (let i = 0; i < 10; i++) expect((await spend(t0 + 1000 + i)).refused).toBeNull();
      expect((await spend(t0 + 2000)).refused).toEqual({ policy: "registerIp", retryMs: hour - 2000 });
      // Just before half-way through the next hour, half of the last hour's ten still count: five more pass.
      const passed: boolean[] = [];
      for (let i = 0; i < 7; i++)
        passed.push((await spend(t0 + hour + hour / 2 - 1000 + i)).refused === null);
      expect(passed).toEqual([true, true, true, true, true, false, false]);
      // The refusal waits only until the previous hour's weight falls below five: just past half-way.
      const refused = await spend(t0 + hour + hour / 2 - 1000 + 7);
      expect(refused.refused).toEqual({ policy: "registerIp", retryMs: 994 });
      expect((await spend(t0 + hour + hour / 2 + 1)).refused).toBeNull();
    });

    it("a soft spend switches on the spends that name it and never refuses (the log-in's account under attack)", async () => {
      const account = unique("account");
      const t0 = windowStart(15 * 60_000);
      const login = (ip: string, t: number) =>
        limitWith(
          store,
          [
            { policy: "loginIp", identifier: ip },
            { policy: "loginAccountIp", identifier: `${account}|${ip}` },
            { policy: "loginAccount", identifier: account, soft: true },
            {
              policy: "loginAccountIpUnderAttack",
              identifier: `${account}|${ip}`,
              onlyIfOver: "loginAccount",
            },
          ],
          t,
        );
      // 30 tries from 30 addresses: the account's 30 are spent, nobody refused.
      for (let i = 0; i < 30; i++) expect((await login(unique("ip"), t0 + i)).refused).toBeNull();
      // Under attack: each address gets 2 tries (not 5), and the account's counter says it is over.
      const ip = unique("ip");
      const first = await login(ip, t0 + 100);
      expect(first.refused).toBeNull();
      expect([...first.over]).toEqual(["loginAccount"]);
      expect((await login(ip, t0 + 101)).refused).toBeNull();
      expect((await login(ip, t0 + 102)).refused?.policy).toBe("loginAccountIpUnderAttack");
      // Another address still has its two: the owner is never locked out.
      expect((await login(unique("ip"), t0 + 103)).refused).toBeNull();
    });
  },
);
