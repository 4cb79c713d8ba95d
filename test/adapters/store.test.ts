import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { redisClient, upstashStore } from "../../worker/src/adapters/store/upstash";

/** The sorted-set operations feeds rely on, against the Upstash twin over the REST protocol. */
describe("KeyValueStore sorted sets", () => {
  const store = upstashStore(env);
  const key = (name: string) => `test:z:${crypto.randomUUID()}:${name}`;

  it("adds, caps to the highest scores and pages strictly below a cursor", async () => {
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
  });

  it("increments scores and removes members from several sets", async () => {
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
  });

  it("a read can renew a set's TTL in the same call, and never creates a missing set", async () => {
    const [kept, never] = [key("kept"), key("never")];
    await store.zadd([{ key: kept, members: [{ member: "m", score: 1 }] }], { ttlSeconds: 60 });
    const [read, missing] = await store.zrangeDesc([
      { key: kept, limit: 5, ttlSeconds: 3600 },
      { key: never, limit: 5, ttlSeconds: 3600 },
    ]);
    expect(read).toEqual([{ member: "m", score: 1 }]);
    expect(missing).toBeNull();
    const redis = redisClient(env);
    expect(await redis.ttl(kept)).toBeGreaterThan(60);
    expect(await redis.exists(never)).toBe(0);
  });
});
