/**
 * What the app needs from its key-value store (Upstash Redis). Everything kept here can be
 * rebuilt from D1; callers treat `StoreUnavailable` as "fall back to D1" or "fail closed".
 */
export interface KeyValueStore {
  mget(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  incr(key: string, ttlSeconds: number): Promise<number>;
  del(keys: string[]): Promise<void>;

  // Sorted sets: feed timelines, ranked candidate sets, trending counts. Each method is one
  // round trip however many keys it touches.

  /**
   * Sets each member's score (or adds to it with `increment`), then trims each set to its `cap`
   * highest scores and renews its TTL.
   */
  zadd(
    writes: SortedSetWrite[],
    options: { cap?: number; ttlSeconds: number; increment?: boolean },
  ): Promise<void>;
  /** Each read's members, highest score first; `null` where the set does not exist. */
  zrangeDesc(reads: SortedSetRead[]): Promise<(ScoredMember[] | null)[]>;
  /** Removes the members from every key. */
  zrem(keys: string[], members: string[]): Promise<void>;
  /** One round trip that touches no key (Redis PING): the health check's proof the store answers. */
  ping(): Promise<void>;

  /**
   * Rate limits: counts every check at `now` (ms) and, only when no enforced check is over, spends
   * one token of each that applies, all in one round trip and atomically (concurrent calls cannot
   * both take the last token). A refused call spends nothing. Outcomes are in the checks' order.
   */
  limit(checks: LimitCheck[], now: number): Promise<LimitOutcome[]>;
}

/**
 * One limit to check. `sliding`: two fixed-window counters (`key` for the window holding `now`,
 * `previousKey` for the one before), the previous weighted by how much of it still overlaps the
 * last `windowMs` (@upstash/ratelimit's sliding window, same keys). `log`: a sorted set of accepted
 * times under `key`, exact: at most `tokens` in ANY span of `windowMs`.
 */
export interface LimitCheck {
  algorithm: "sliding" | "log";
  key: string;
  /** Sliding only: the previous window's counter. */
  previousKey?: string;
  tokens: number;
  windowMs: number;
  /**
   * `always`: over means refused. `soft`: counted and spent while under, but over refuses nothing;
   * it only switches on the checks that name it. A number: enforced only when the check at that
   * index (a soft one, earlier in the list) is over.
   */
  when: "always" | "soft" | number;
  /** Log only: a member unique to this request (its time and a random id). */
  member?: string;
}

export interface LimitOutcome {
  /** Whether this check was over its limit (for a check that did not apply: false). */
  over: boolean;
  /**
   * When over: ms until a token is free again: a log's oldest entry leaves; a sliding window ends
   * (over on its own count) or the previous window's weight has fallen enough.
   */
  retryMs: number;
}

export interface ScoredMember {
  member: string;
  score: number;
}

export interface SortedSetWrite {
  key: string;
  members: ScoredMember[];
}

export interface SortedSetRead {
  key: string;
  limit: number;
  /** Only scores strictly below this (the page cursor); the top of the set when absent. */
  below?: number;
  /** Renews the set's TTL in the same round trip (a read that keeps the set in use); never creates it. */
  ttlSeconds?: number;
}

export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`key-value store unreachable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
