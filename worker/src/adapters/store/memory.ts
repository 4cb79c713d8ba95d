import { type KeyValueStore, type ScoredMember, StoreUnavailable } from "./interface";

type Entry =
  | { kind: "string"; value: string; expiresAt: number | null }
  | { kind: "zset"; scores: Map<string, number>; expiresAt: number | null };

/** A KeyValueStore in this process, with a way to look at TTLs as Redis's TTL command reports them. */
export interface MemoryStore extends KeyValueStore {
  /** Seconds left (rounded up); -1 for a key without TTL, -2 for a missing key, as Redis answers. */
  ttl(key: string): number;
}

/**
 * The in-process twin of the Upstash adapter, for unit tests of services: no process, no network.
 * It keeps the Upstash adapter's semantics, command for command: TTLs expire keys (checked on
 * access against `now`, which tests may drive), INCR and ZADD renew the TTL they are given, a
 * sorted set emptied by ZREM is gone, a cap keeps the highest scores, equal scores order by member
 * as Redis does, and a command on a key of the other kind fails like Redis's WRONGTYPE.
 * The same contract tests run against both (test/adapters/store.test.ts).
 */
export function memoryStore(options: { now?: () => number } = {}): MemoryStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry?.expiresAt != null && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }
  function wrongType(key: string): never {
    throw new StoreUnavailable(new Error(`WRONGTYPE ${key} holds a value of the other kind`));
  }
  function sortedSet(key: string, create: boolean): Map<string, number> | undefined {
    const entry = live(key);
    if (entry?.kind === "string") wrongType(key);
    if (entry) return entry.scores;
    if (!create) return undefined;
    const scores = new Map<string, number>();
    entries.set(key, { kind: "zset", scores, expiresAt: null });
    return scores;
  }
  function expire(key: string, ttlSeconds: number) {
    const entry = live(key);
    if (entry) entry.expiresAt = now() + ttlSeconds * 1000;
  }

  return {
    async ping() {},
    async mget(keys) {
      // MGET answers nil for a key of another kind rather than failing.
      return keys.map((key) => {
        const entry = live(key);
        return entry?.kind === "string" ? entry.value : null;
      });
    },
    async set(key, value, ttlSeconds) {
      entries.set(key, { kind: "string", value, expiresAt: now() + ttlSeconds * 1000 });
    },
    async incr(key, ttlSeconds) {
      const entry = live(key);
      if (entry?.kind === "zset") wrongType(key);
      const current = entry ? Number(entry.value) : 0;
      if (!Number.isSafeInteger(current))
        throw new StoreUnavailable(new Error("ERR value is not an integer or out of range"));
      const value = current + 1;
      entries.set(key, { kind: "string", value: String(value), expiresAt: entry?.expiresAt ?? null });
      expire(key, ttlSeconds);
      return value;
    },
    async del(keys) {
      for (const key of keys) entries.delete(key);
    },
    async zadd(writes, { cap, ttlSeconds, increment }) {
      for (const { key, members } of writes) {
        if (members.length === 0) continue;
        const scores = sortedSet(key, true) as Map<string, number>;
        for (const { member, score } of members)
          scores.set(member, increment ? (scores.get(member) ?? 0) + score : score);
        if (cap !== undefined && scores.size > cap) {
          // ZREMRANGEBYRANK 0 -(cap+1): the lowest ranks go, in Redis's ascending order.
          for (const { member } of ascending(scores).slice(0, scores.size - cap)) scores.delete(member);
        }
        expire(key, ttlSeconds);
      }
    },
    async zrangeDesc(reads) {
      return reads.map(({ key, limit, below, ttlSeconds }) => {
        const scores = sortedSet(key, false);
        if (!scores) return null;
        if (ttlSeconds !== undefined) expire(key, ttlSeconds);
        return ascending(scores)
          .reverse()
          .filter((m) => below === undefined || m.score < below)
          .slice(0, limit);
      });
    },
    async zrem(keys, members) {
      for (const key of keys) {
        const scores = sortedSet(key, false);
        if (!scores) continue;
        for (const member of members) scores.delete(member);
        // Redis deletes a sorted set once its last member is gone.
        if (scores.size === 0) entries.delete(key);
      }
    },
    ttl(key) {
      const entry = live(key);
      if (!entry) return -2;
      if (entry.expiresAt === null) return -1;
      return Math.ceil((entry.expiresAt - now()) / 1000);
    },
  };
}

/** Redis's order: by score, then by member (byte order; code-unit order here, the same for ASCII ids). */
function ascending(scores: Map<string, number>): ScoredMember[] {
  return [...scores]
    .map(([member, score]) => ({ member, score }))
    .sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
}
