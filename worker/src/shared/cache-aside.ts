import { StoreUnavailable } from "../adapters/store/interface";
import type { ActionContext } from "./context";

export type CacheOutcome = "hit" | "miss";

/** Version counters outlive any entry, so an entry can never be compared with a forgotten version. */
const VERSION_TTL_SECONDS = 7 * 24 * 3600;

interface Entry<T> {
  v: string;
  d: T;
}

/**
 * Cache-aside with a version fence.
 *
 * The race it prevents: reader A misses and loads the row from D1; writer B updates D1 and
 * deletes the entry; A then writes the old row back, and the stale copy lives until its TTL.
 * Here A reads the key's version before loading and tags its entry with it; B bumps the version
 * after its D1 write. A's late entry carries the old version, so readers treat it as a miss.
 *
 * When the store is unreachable, reads go straight to D1 (reported as a miss).
 */
export async function readThrough<T>(
  ctx: ActionContext,
  options: { key: string; ttlSeconds: number; load: () => Promise<T | null> },
): Promise<{ value: T | null; cache: CacheOutcome }> {
  const versionKey = `${options.key}:ver`;
  let version: string;
  try {
    const [cached, current] = await ctx.adapters.store.mget([options.key, versionKey]);
    version = current ?? "0";
    if (cached) {
      const entry = JSON.parse(cached) as Entry<T>;
      if (entry.v === version) return { value: entry.d, cache: "hit" };
    }
  } catch (error) {
    if (!(error instanceof StoreUnavailable)) throw error;
    return { value: await options.load(), cache: "miss" };
  }
  const value = await options.load();
  if (value !== null) {
    const entry: Entry<T> = { v: version, d: value };
    await ctx.adapters.store.set(options.key, JSON.stringify(entry), options.ttlSeconds).catch(() => {});
  }
  return { value, cache: "miss" };
}

/** Call after the D1 write has completed. */
export async function invalidate(ctx: ActionContext, key: string): Promise<void> {
  try {
    await ctx.adapters.store.incr(`${key}:ver`, VERSION_TTL_SECONDS);
    await ctx.adapters.store.del([key]);
  } catch (error) {
    // The store is down: nothing can be served from it either; entries expire by TTL.
    if (!(error instanceof StoreUnavailable)) throw error;
  }
}
