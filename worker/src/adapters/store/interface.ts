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
