import { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "../../env";
import { currentUsage, upstashCommands } from "../../telemetry/usage";
import { type KeyValueStore, type ScoredMember, StoreUnavailable } from "./interface";

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
    // The client serves every request of the isolate; each command is billed to the one it runs for.
    client.use((request, next) => {
      const usage = currentUsage();
      if (usage) usage.counts.store.commands += upstashCommands(request.path, request.body);
      return next(request);
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
    zadd: (writes, { cap, ttlSeconds, increment }) =>
      guarded(async () => {
        const pipeline = redis.pipeline();
        let commands = 0;
        for (const { key, members } of writes) {
          const [first, ...rest] = members;
          if (!first) continue;
          if (increment) for (const { member, score } of members) pipeline.zincrby(key, score, member);
          else pipeline.zadd(key, first, ...rest);
          if (cap !== undefined) pipeline.zremrangebyrank(key, 0, -(cap + 1));
          pipeline.expire(key, ttlSeconds);
          commands += 1;
        }
        if (commands > 0) await pipeline.exec();
      }),
    zrangeDesc: (reads) =>
      guarded(async () => {
        if (reads.length === 0) return [];
        const pipeline = redis.pipeline();
        // Where each read's EXISTS reply sits; its ZRANGE reply follows it.
        const at: number[] = [];
        let replies = 0;
        for (const { key, limit, below, ttlSeconds } of reads) {
          // EXPIRE on a missing key does nothing, so a read never creates a set.
          if (ttlSeconds !== undefined) {
            pipeline.expire(key, ttlSeconds);
            replies += 1;
          }
          at.push(replies);
          pipeline.exists(key);
          pipeline.zrange(key, below === undefined ? "+inf" : `(${below}`, "-inf", {
            byScore: true,
            rev: true,
            offset: 0,
            count: limit,
            withScores: true,
          });
          replies += 2;
        }
        const results = await pipeline.exec<unknown[]>();
        return at.map((i) => (results[i] === 1 ? pairs(results[i + 1]) : null));
      }),
    zrem: (keys, members) =>
      guarded(async () => {
        if (keys.length === 0 || members.length === 0) return;
        const pipeline = redis.pipeline();
        for (const key of keys) pipeline.zrem(key, ...members);
        await pipeline.exec();
      }),
    ping: () =>
      guarded(async () => {
        const reply = await redis.ping();
        if (reply !== "PONG") throw new Error("the store did not answer PONG");
      }),
  };
}

/** WITHSCORES replies alternate member and score. */
function pairs(reply: unknown): ScoredMember[] {
  const flat = Array.isArray(reply) ? reply : [];
  const out: ScoredMember[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    out.push({ member: String(flat[i]), score: Number(flat[i + 1]) });
  return out;
}
