import { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "../../env";
import { type KeyValueStore, StoreUnavailable } from "./interface";

/** Short deadline: a slow store must not hold a request; callers fall back or fail closed. */
const STORE_TIMEOUT_MS = 1500;

/**
 * One client per isolate and URL. The same client talks to Upstash in production and to the
 * local twin (scripts/upstash-twin.ts) in development and tests; only the URL differs.
 */
const clients = new Map<string, Redis>();

export function redisClient(env: Env): Redis {
  const key = `${env.UPSTASH_REDIS_REST_URL}|${env.UPSTASH_REDIS_REST_TOKEN}`;
  let client = clients.get(key);
  if (!client) {
    client = new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
      automaticDeserialization: false,
      enableTelemetry: false,
      retry: { retries: 1, backoff: () => 50 },
      signal: () => AbortSignal.timeout(STORE_TIMEOUT_MS),
    });
    clients.set(key, client);
  }
  return client;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new StoreUnavailable(error);
  }
}

export function upstashStore(env: Env): KeyValueStore {
  const redis = redisClient(env);
  return {
    mget: (keys) => guarded(() => redis.mget<(string | null)[]>(...keys)),
    set: (key, value, ttlSeconds) =>
      guarded(async () => {
        await redis.set(key, value, { ex: ttlSeconds });
      }),
    incr: (key, ttlSeconds) =>
      guarded(async () => {
        const [value] = await redis.pipeline().incr(key).expire(key, ttlSeconds).exec<[number, number]>();
        return value;
      }),
    del: (keys) =>
      guarded(async () => {
        if (keys.length > 0) await redis.del(...keys);
      }),
  };
}
