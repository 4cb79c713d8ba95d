import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type KeyValueStore, StoreUnavailable } from "../../worker/src/adapters/store/interface";
import { memoryStore } from "../../worker/src/adapters/store/memory";
import { redisClient, upstashStore } from "../../worker/src/adapters/store/upstash";

/** A store under test, and how to read a key's TTL the way Redis's TTL answers (-2 missing, -1 none). */
interface Implementation {
  store: KeyValueStore;
  ttl(key: string): Promise<number>;
}

const key = (name: string) => `test:kv:${crypto.randomUUID()}:${name}`;

/**
 * The contract of KeyValueStore: every case runs against the Upstash adapter (over the REST
 * protocol, against the twin process) and against the in-memory twin, so the two cannot drift.
 */
const contract: [string, (impl: Implementation) => Promise<void>][] = [
  [
    "sets, reads several keys at once (null where missing) and deletes",
    async ({ store, ttl }) => {
      const [a, b] = [key("a"), key("b")];
      await store.set(a, "one", 60);
      await store.set(b, "two", 60);
      expect(await store.mget([a, key("never"), b])).toEqual(["one", null, "two"]);
      expect(await ttl(a)).toBeGreaterThan(50);
      await store.del([a, b]);
      expect(await store.mget([a, b])).toEqual([null, null]);
    },
  ],
  [
    "counts from 1 and renews the TTL on every increment",
    async ({ store, ttl }) => {
      const counter = key("counter");
      expect(await store.incr(counter, 60)).toBe(1);
      expect(await store.incr(counter, 3600)).toBe(2);
      expect(await ttl(counter)).toBeGreaterThan(60);
      expect(await store.mget([counter])).toEqual(["2"]);
    },
  ],
  [
    "adds, caps to the highest scores and pages strictly below a cursor",
    async ({ store }) => {
      const [a, b] = [key("a"), key("b")];
      await store.zadd(
        [
          { key: a, members: [1, 2, 3, 4, 5].map((n) => ({ member: `n${n}`, score: n })) },
          { key: b, members: [{ member: "x", score: 10 }] },
        ],
        { cap: 3, ttlSeconds: 60 },
      );
      const [top, page2, missing, other] = await store.zrangeDesc([
        { key: a, limit: 2 },
        { key: a, limit: 10, below: 4 },
        { key: key("never"), limit: 5 },
        { key: b, limit: 5 },
      ]);
      expect(top).toEqual([
        { member: "n5", score: 5 },
        { member: "n4", score: 4 },
      ]);
      expect(page2).toEqual([{ member: "n3", score: 3 }]);
      expect(missing).toBeNull();
      expect(other).toEqual([{ member: "x", score: 10 }]);
    },
  ],
  [
    "orders equal scores by member, highest first, and caps the lowest member of a tie",
    async ({ store }) => {
      const set = key("ties");
      const members = ["b", "d", "a", "c"].map((member) => ({ member, score: 7 }));
      await store.zadd([{ key: set, members }], { cap: 3, ttlSeconds: 60 });
      const [read] = await store.zrangeDesc([{ key: set, limit: 10 }]);
      expect(read?.map((m) => m.member)).toEqual(["d", "c", "b"]);
    },
  ],
  [
    "increments scores and removes members from several sets",
    async ({ store }) => {
      const [a, b] = [key("a"), key("b")];
      const members = [
        { member: "t1", score: 1.5 },
        { member: "t2", score: 1 },
      ];
      await store.zadd([{ key: a, members }], { ttlSeconds: 60, increment: true });
      await store.zadd([{ key: a, members: [{ member: "t2", score: 2 }] }], {
        ttlSeconds: 60,
        increment: true,
      });
      await store.zadd([{ key: b, members }], { ttlSeconds: 60 });
      await store.zrem([a, b], ["t1"]);
      const [left, right] = await store.zrangeDesc([
        { key: a, limit: 5 },
        { key: b, limit: 5 },
      ]);
      expect(left).toEqual([{ member: "t2", score: 3 }]);
      expect(right).toEqual([{ member: "t2", score: 1 }]);
    },
  ],
  [
    "a read can renew a set's TTL in the same call, and never creates a missing set",
    async ({ store, ttl }) => {
      const [kept, never] = [key("kept"), key("never")];
      await store.zadd([{ key: kept, members: [{ member: "m", score: 1 }] }], { ttlSeconds: 60 });
      const [read, missing] = await store.zrangeDesc([
        { key: kept, limit: 5, ttlSeconds: 3600 },
        { key: never, limit: 5, ttlSeconds: 3600 },
      ]);
      expect(read).toEqual([{ member: "m", score: 1 }]);
      expect(missing).toBeNull();
      expect(await ttl(kept)).toBeGreaterThan(60);
      expect(await ttl(never)).toBe(-2);
    },
  ],
  [
    "answers a ping",
    async ({ store }) => {
      await expect(store.ping()).resolves.toBeUndefined();
    },
  ],
  [
    "a sorted-set write to a plain value fails as StoreUnavailable",
    async ({ store }) => {
      const plain = key("plain");
      await store.set(plain, "text", 60);
      await expect(
        store.zadd([{ key: plain, members: [{ member: "m", score: 1 }] }], { ttlSeconds: 60 }),
      ).rejects.toBeInstanceOf(StoreUnavailable);
    },
  ],
];

const implementations: [string, () => Implementation][] = [
  [
    "the Upstash adapter (against the twin process)",
    () => ({ store: upstashStore(env), ttl: (k) => redisClient(env).ttl(k) }),
  ],
  [
    "the in-memory store",
    () => {
      const store = memoryStore();
      return { store, ttl: async (k) => store.ttl(k) };
    },
  ],
];

for (const [name, build] of implementations) {
  describe(`KeyValueStore: ${name}`, () => {
    const impl = build();
    for (const [title, run] of contract) it(title, () => run(impl));
  });
}

describe("the Upstash adapter when the store is down", () => {
  it("a ping fails as StoreUnavailable", async () => {
    await expect(
      upstashStore({ ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" }).ping(),
    ).rejects.toBeInstanceOf(StoreUnavailable);
  });
});

describe("the in-memory store beyond the shared contract", () => {
  // Redis (and so Upstash) deletes a sorted set with its last member; the twin process in its
  // memory mode (ioredis-mock) keeps an empty one, so this case cannot be shared with it.
  it("a set whose last member is removed no longer exists", async () => {
    const store = memoryStore();
    await store.zadd([{ key: "emptied", members: [{ member: "only", score: 1 }] }], { ttlSeconds: 60 });
    await store.zrem(["emptied", "never"], ["only"]);
    expect(await store.zrangeDesc([{ key: "emptied", limit: 5 }])).toEqual([null]);
    expect(store.ttl("emptied")).toBe(-2);
  });

  it("expires values, counters and sets once their TTL has passed", async () => {
    let now = 1_000_000;
    const store = memoryStore({ now: () => now });
    await store.set("v", "x", 10);
    await store.incr("n", 10);
    await store.zadd([{ key: "z", members: [{ member: "m", score: 1 }] }], { ttlSeconds: 10 });
    now += 9_999;
    expect(await store.mget(["v", "n"])).toEqual(["x", "1"]);
    expect(store.ttl("z")).toBe(1);
    now += 1;
    expect(await store.mget(["v", "n"])).toEqual([null, null]);
    expect(await store.zrangeDesc([{ key: "z", limit: 5 }])).toEqual([null]);
    expect(await store.incr("n", 10)).toBe(1);
  });
});
