import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startThrowawayRedis } from "../../scripts/platform.ts";
import { startUpstashTwin, type UpstashTwin } from "../../scripts/upstash-twin.ts";
import { limiterClient } from "../../worker/src/adapters/store/upstash";
import type { Env } from "../../worker/src/env";
import { limitWith, type Spend } from "../../worker/src/shared/rate-limit";

/**
 * The limiter (@upstash/ratelimit on an auto-pipelining @upstash/redis client, plus the exact log's
 * script) against the Upstash twin, which counts the HTTP requests it answers (a round trip each)
 * and the commands Upstash would bill, over a real Redis and in memory (ioredis-mock's Lua). The
 * library reads Date.now(): the tests move it (only Date is faked; timers and I/O are real).
 */
type Backend = "twin over Redis" | "twin in memory";

const unique = (prefix: string) => `${prefix}-${crypto.randomUUID()}`;
/** A second into the current window of `ms`: a test's calls never cross into the next. */
const windowStart = (ms: number) => Math.floor(Date.now() / ms) * ms + 1000;
const draft = (ip: string, account: string): Spend[] => [
  { policy: "draftIp", identifier: ip },
  { policy: "draftAccount", identifier: account },
];

describe.each<Backend>(["twin over Redis", "twin in memory"])("the limiter on the %s", (backend) => {
  let twin: UpstashTwin;
  let redis: Awaited<ReturnType<typeof startThrowawayRedis>> = null;
  let client: ReturnType<typeof limiterClient>;
  /** The twin's counters since the last call. */
  let mark = { requests: 0, commands: 0 };
  const since = () => {
    const now = { requests: twin.requests, commands: twin.commands };
    const delta = { requests: now.requests - mark.requests, commands: now.commands - mark.commands };
    mark = now;
    return delta;
  };
  /** Moves the clock the library and the log read. */
  const at = (t: number) => vi.setSystemTime(t);

  beforeAll(async () => {
    if (backend === "twin over Redis") {
      redis = await startThrowawayRedis();
      if (!redis)
        throw new Error(
          "redis-server is not on PATH (npm test installs it; or apt-get install redis-server)",
        );
    }
    twin = await startUpstashTwin({ port: 0, redisUrl: redis?.url ?? "memory" });
    client = limiterClient({ UPSTASH_REDIS_REST_URL: twin.url, UPSTASH_REDIS_REST_TOKEN: twin.token } as Env);
    vi.useFakeTimers({ toFake: ["Date"] });
  });

  afterEach(() => {
    vi.setSystemTime(new Date());
  });

  afterAll(async () => {
    vi.useRealTimers();
    await twin?.close();
    await redis?.stop();
  });

  it("an IP and an account: one HTTP request (two script calls) once the scripts are loaded; a known block costs none", async () => {
    const ip = unique("ip");
    const account = unique("account");
    const t0 = windowStart(86_400_000);
    at(t0);
    since();
    // A fresh store has neither script: both EVALSHA get NOSCRIPT in one pipeline, both EVAL go in a second.
    expect((await limitWith(client, draft(unique("warm"), unique("warm")), t0)).refused).toBeNull();
    expect(since()).toEqual({ requests: 2, commands: 4 });
    const limiterRequests = twin.requestsByPrefix.get("rl") ?? 0;
    for (let i = 0; i < 5; i++) {
      at(t0 + i);
      const decision = await limitWith(client, draft(ip, account), t0 + i);
      expect(decision.refused).toBeNull();
      expect(since()).toEqual({ requests: 1, commands: 2 });
    }
    // What bench/drafts.ts reads: the requests that touched `rl:` keys.
    expect((twin.requestsByPrefix.get("rl") ?? 0) - limiterRequests).toBe(5);
    at(t0 + 10_000);
    const sixth = await limitWith(client, draft(ip, account), t0 + 10_000);
    expect(sixth.refused).toEqual({ policy: "draftIp", retryMs: 50_000 });
    expect(since()).toEqual({ requests: 1, commands: 2 });

    // Known to be blocked: refused from memory, no request at all, until the oldest leaves the window.
    at(t0 + 20_000);
    for (let i = 0; i < 3; i++) {
      const again = await limitWith(client, draft(ip, account), t0 + 20_000);
      expect(again.refused).toEqual({ policy: "draftIp", retryMs: 40_000 });
    }
    expect(since()).toEqual({ requests: 0, commands: 0 });

    // Each limit has its own budget (the library's): the refused sixth still spent an account token,
    // so 24 more from other addresses pass and the 25th is refused by the account's daily quota.
    at(t0 + 30_000);
    for (let i = 0; i < 24; i++)
      expect((await limitWith(client, draft(unique("ip"), account), t0 + 30_000)).refused).toBeNull();
    const over = await limitWith(client, draft(unique("ip"), account), t0 + 30_000);
    expect(over.refused?.policy).toBe("draftAccount");
    expect(over.refused?.retryMs).toBe(86_400_000 - 1000 - 30_000);
    // The account's block is now known (the library's ephemeral cache): a fresh address costs no request.
    since();
    expect((await limitWith(client, draft(unique("ip"), account), t0 + 32_000)).refused?.policy).toBe(
      "draftAccount",
    );
    expect(since()).toEqual({ requests: 0, commands: 0 });
    // Another account from the first address is refused by the address, from memory too.
    expect((await limitWith(client, draft(ip, unique("account")), t0 + 33_000)).refused?.policy).toBe(
      "draftIp",
    );
    expect(since()).toEqual({ requests: 0, commands: 0 });
    // A minute after the first five, the address may draft again (for another account).
    at(t0 + 60_005);
    expect((await limitWith(client, draft(ip, unique("account")), t0 + 60_005)).refused).toBeNull();
  });

  it("exact log: at most 5 in ANY 60 s, bursts either side of a window edge included", async () => {
    const ip = unique("ip");
    const t0 = Math.ceil(Date.now() / 60_000) * 60_000;
    const seen: boolean[] = [];
    const spend = async (t: number) =>
      seen.push((await limitWith(client, [{ policy: "draftIp", identifier: ip }], t)).refused === null);
    await spend(t0);
    for (let i = 0; i < 4; i++) await spend(t0 + 59_900);
    for (let i = 0; i < 5; i++) await spend(t0 + 60_100);
    expect(seen).toEqual([true, true, true, true, true, true, false, false, false, false]);
  });

  it("sliding window (the library's): the previous window counts by its overlap; a refusal waits for the window's reset", async () => {
    const id = unique("address");
    const hour = 3_600_000;
    const t0 = Math.ceil(Date.now() / hour) * hour;
    const spend = (t: number) => {
      at(t);
      return limitWith(client, [{ policy: "registerIp", identifier: id }], t);
    };
    for (let i = 0; i < 10; i++) expect((await spend(t0 + 1000 + i)).refused).toBeNull();
    expect((await spend(t0 + 2000)).refused).toEqual({ policy: "registerIp", retryMs: hour - 2000 });
    // Just before half-way through the next hour, half of the last hour's ten still count: five more pass.
    const passed: boolean[] = [];
    for (let i = 0; i < 7; i++) passed.push((await spend(t0 + hour + hour / 2 - 1000 + i)).refused === null);
    expect(passed).toEqual([true, true, true, true, true, false, false]);
    // Retry-After is the library's `reset`: the end of the current window.
    expect((await spend(t0 + hour + hour / 2)).refused).toEqual({ policy: "registerIp", retryMs: hour / 2 });
  });

  it("log-in's four limits in one request; a soft spend switches on the one gated on it and never refuses", async () => {
    const account = unique("account");
    const t0 = windowStart(15 * 60_000);
    at(t0);
    const login = (ip: string, of = account) =>
      limitWith(client, [
        { policy: "loginIp", identifier: ip },
        { policy: "loginAccountIp", identifier: `${of}|${ip}` },
        { policy: "loginAccount", identifier: of, soft: true },
        { policy: "loginAccountIpUnderAttack", identifier: `${of}|${ip}`, onlyIfOver: "loginAccount" },
      ]);
    since();
    expect((await login(unique("ip"))).refused).toBeNull();
    expect(since()).toEqual({ requests: 1, commands: 4 });
    // 30 tries from 30 addresses: the account's 30 are spent, nobody refused.
    for (let i = 0; i < 29; i++) expect((await login(unique("ip"))).refused).toBeNull();
    // Under attack: each address gets 2 tries (not 5), and the account's counter says it is over.
    const ip = unique("ip");
    const first = await login(ip);
    expect(first.refused).toBeNull();
    expect([...first.over]).toEqual(["loginAccount"]);
    expect((await login(ip)).refused).toBeNull();
    expect((await login(ip)).refused?.policy).toBe("loginAccountIpUnderAttack");
    // Another address still has its two: the owner is never locked out.
    expect((await login(unique("ip"))).refused).toBeNull();
    // On an account not under attack the gated limit refuses nothing: five tries from one address.
    const quiet = unique("account");
    const home = unique("ip");
    for (let i = 0; i < 5; i++) expect((await login(home, quiet)).refused).toBeNull();
    expect((await login(home, quiet)).refused?.policy).toBe("loginAccountIp");
  });
});
