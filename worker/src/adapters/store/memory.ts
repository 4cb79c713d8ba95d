import {
  type KeyValueStore,
  type LimitCheck,
  type LimitOutcome,
  type ScoredMember,
  StoreUnavailable,
} from "./interface";

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

  function spend(check: LimitCheck, at: number) {
    if (check.algorithm === "sliding") {
      const entry = live(check.key);
      const value = (entry?.kind === "string" ? Number(entry.value) : 0) + 1;
      // Like PEXPIRE, relative to the store's clock (`at` is the caller's, which tests may move).
      const expiresAt = value === 1 ? now() + check.windowMs * 2 + 1000 : (entry?.expiresAt ?? null);
      entries.set(check.key, { kind: "string", value: String(value), expiresAt });
    } else {
      const log = sortedSet(check.key, true) as Map<string, number>;
      log.set(check.member ?? `${at}`, at);
      const entry = entries.get(check.key);
      if (entry) entry.expiresAt = now() + check.windowMs;
    }
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
    async limit(checks, at) {
      // The Upstash script's two passes, line for line: count everything, then spend only when no
      // enforced check is over.
      const counted = checks.map((check) => ({ check, applies: false, over: false, retryMs: 0 }));
      let refused = false;
      for (const c of counted) {
        const { check } = c;
        const gate = typeof check.when === "number" ? counted[check.when - 1] : undefined;
        c.applies = check.when === "always" || check.when === "soft" || gate?.over === true;
        if (!c.applies) continue;
        if (check.algorithm === "sliding") {
          const count = (key: string | undefined) => {
            const entry = key === undefined ? undefined : live(key);
            if (entry?.kind === "zset") wrongType(key ?? "");
            return entry ? Number(entry.value) : 0;
          };
          const into = at % check.windowMs;
          const [current, earlier] = [count(check.key), count(check.previousKey)];
          if (Math.floor((1 - into / check.windowMs) * earlier) + current >= check.tokens) {
            c.over = true;
            // Over on the current window alone: until it ends. Else until the previous one's weight
            // falls enough: floor((1 - x / window) * earlier) < tokens - current.
            c.retryMs =
              current >= check.tokens
                ? check.windowMs - into
                : Math.floor(check.windowMs * (1 - (check.tokens - current) / earlier)) + 1 - into;
          }
        } else {
          const log = sortedSet(check.key, false);
          for (const [member, time] of log ?? []) if (time <= at - check.windowMs) log?.delete(member);
          if (log && log.size === 0) entries.delete(check.key);
          const times = ascending(log ?? new Map()).map((m) => m.score);
          if (times.length >= check.tokens) {
            c.over = true;
            c.retryMs = (times[times.length - check.tokens] ?? at) + check.windowMs - at;
          }
        }
        if (c.over && check.when !== "soft") refused = true;
      }
      if (!refused) for (const c of counted) if (c.applies && !c.over) spend(c.check, at);
      return counted.map(({ over, retryMs }): LimitOutcome => ({ over, retryMs: Math.floor(retryMs) }));
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
