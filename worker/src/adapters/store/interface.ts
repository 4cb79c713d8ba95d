/**
 * What the app needs from its key-value store (Upstash Redis). Everything kept here can be
 * rebuilt from D1; callers treat `StoreUnavailable` as "fall back to D1" or "fail closed".
 */
export interface KeyValueStore {
  mget(keys: string[]): Promise<(string | null)[]>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  incr(key: string, ttlSeconds: number): Promise<number>;
  del(keys: string[]): Promise<void>;
}

export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`key-value store unreachable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
