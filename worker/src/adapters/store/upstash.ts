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
  return clientOf(env, false);
}

/**
 * The rate limiter's client: auto-pipelining, so every command issued in the same tick (all the
 * `Ratelimit.limit()` calls of one request) goes out as one POST /pipeline, one round trip.
 */
export function limiterClient(env: Env): Redis {
  return clientOf(env, true);
}

function clientOf(env: Env, enableAutoPipelining: boolean): Redis {
  const key = `${env.UPSTASH_REDIS_REST_URL}|${env.UPSTASH_REDIS_REST_TOKEN}|${enableAutoPipelining}`;
  let client = clients.get(key);
  if (!client) {
    client = new Redis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
      automaticDeserialization: false,
      enableTelemetry: false,
      enableAutoPipelining,
      retry: { retries: 1, backoff: () => 50 },
      signal: () => AbortSignal.timeout(STORE_TIMEOUT_MS),
    });
    // The client serves every request of the isolate; each command is billed to the one it runs for.
    client.use((request, next) => {
      const usage = currentUsage();
      if (!usage) return next(request);
      usage.counts.store.commands += upstashCommands(request.path, request.body);
      const timings = usage.timings;
      if (!timings) return next(request);
      const started = performance.now();
      return next(request).finally(() => timings.add("store", performance.now() - started));
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

/**
 * Upstash bills every command of a pipeline, but a script call as one command however many keys
 * it touches: so the sorted-set reads and writes, which touch several sets with two or three
 * commands each, run as one script call each (EVALSHA; the client falls back to EVAL once when the
 * script is not loaded yet). Measured by `npm run cost` (docs/operations.md, "Cost").
 *
 * readSets: KEYS are the sets; ARGV holds three values per key: a TTL to renew ("" for none; EXPIRE
 * never creates a key), the highest score ("+inf" or "(x"), the count. Returns the EXISTS flags,
 * then each set's members with scores, highest first.
 */
const READ_SETS = `
local found = {}
local out = { found }
for i, key in ipairs(KEYS) do
  local ttl, max, count = ARGV[i * 3 - 2], ARGV[i * 3 - 1], ARGV[i * 3]
  if ttl ~= "" then redis.call("EXPIRE", key, ttl) end
  found[i] = redis.call("EXISTS", key)
  if found[i] == 1 then
    out[i + 1] = redis.call("ZRANGE", key, max, "-inf", "BYSCORE", "REV", "LIMIT", "0", count, "WITHSCORES")
  else
    out[i + 1] = {}
  end
end
return out
`;

/**
 * writeSets: KEYS are the sets; ARGV[1] the rank to trim below ("" for no cap), ARGV[2] the TTL,
 * ARGV[3] "1" to add to scores (ZINCRBY) or "0" to set them (ZADD); then, per key, its member count
 * and that many score, member pairs.
 */
const WRITE_SETS = `
local trim, ttl, increment = ARGV[1], ARGV[2], ARGV[3] == "1"
local at = 4
for _, key in ipairs(KEYS) do
  local n = tonumber(ARGV[at])
  at = at + 1
  for _ = 1, n do
    if increment then
      redis.call("ZINCRBY", key, ARGV[at], ARGV[at + 1])
    else
      redis.call("ZADD", key, ARGV[at], ARGV[at + 1])
    end
    at = at + 2
  end
  if trim ~= "" then redis.call("ZREMRANGEBYRANK", key, "0", trim) end
  redis.call("EXPIRE", key, ttl)
end
return 1
`;

/** What the client's createScript gives: EVALSHA, or EVAL when the script is not loaded. */
interface Script<T> {
  exec(keys: string[], args: string[]): Promise<T>;
}

/** removeMembers: ZREM of every ARGV member from each of KEYS (Redis runs Lua 5.1, the in-memory twin 5.3). */
const REMOVE_MEMBERS = `
local unpack = unpack or table.unpack
for _, key in ipairs(KEYS) do redis.call("ZREM", key, unpack(ARGV)) end
return 1
`;

interface Scripts {
  readSets: Script<unknown[]>;
  writeSets: Script<number>;
  removeMembers: Script<number>;
}

/** The scripts, made once per client (each hashes its text once). */
const scriptsOf = new WeakMap<Redis, Scripts>();

export function upstashStore(env: Env): KeyValueStore {
  const redis = redisClient(env);
  let scripts = scriptsOf.get(redis);
  if (!scripts) {
    scripts = {
      readSets: redis.createScript<unknown[]>(READ_SETS),
      writeSets: redis.createScript<number>(WRITE_SETS),
      removeMembers: redis.createScript<number>(REMOVE_MEMBERS),
    };
    scriptsOf.set(redis, scripts);
  }
  const { readSets, writeSets, removeMembers } = scripts;
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
        const keys: string[] = [];
        const args = [cap === undefined ? "" : String(-(cap + 1)), String(ttlSeconds), increment ? "1" : "0"];
        for (const { key, members } of writes) {
          if (members.length === 0) continue;
          keys.push(key);
          args.push(String(members.length));
          for (const { member, score } of members) args.push(String(score), member);
        }
        if (keys.length > 0) await writeSets.exec(keys, args);
      }),
    zrangeDesc: (reads) =>
      guarded(async () => {
        if (reads.length === 0) return [];
        const args = reads.flatMap(({ limit, below, ttlSeconds }) => [
          ttlSeconds === undefined ? "" : String(ttlSeconds),
          below === undefined ? "+inf" : `(${below}`,
          String(limit),
        ]);
        const [found, ...ranges] = (await readSets.exec(
          reads.map((r) => r.key),
          args,
        )) as [number[], ...unknown[]];
        return reads.map((_, i) => (found?.[i] === 1 ? pairs(ranges[i]) : null));
      }),
    zrem: (keys, members) =>
      guarded(async () => {
        if (keys.length === 0 || members.length === 0) return;
        await removeMembers.exec(keys, members);
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
