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

/**
 * limit: every rate-limit check of a request in one script call (LimitCheck in interface.ts says
 * what each algorithm means). KEYS: each check's keys in order (a sliding check has two: the
 * current window's counter, then the previous one's). ARGV[1] is now (ms); then five per check:
 * algorithm, tokens, window (ms), when ("always", "soft" or the index of the soft check it
 * depends on), member (a log's entry; "" otherwise). Counts first; spends only when no enforced
 * check is over. Returns two integers per check: over (1 or 0) and the ms until a token is free.
 */
const LIMIT = `
local now = tonumber(ARGV[1])
local checks = {}
local k = 1
for i = 1, (#ARGV - 1) / 5 do
  local a = (i - 1) * 5 + 1
  local c = { algorithm = ARGV[a + 1], tokens = tonumber(ARGV[a + 2]), window = tonumber(ARGV[a + 3]),
    when = ARGV[a + 4], member = ARGV[a + 5], key = KEYS[k], over = false, retry = 0 }
  if c.algorithm == "sliding" then
    c.previous = KEYS[k + 1]
    k = k + 2
  else
    k = k + 1
  end
  checks[i] = c
end
local refused = false
for _, c in ipairs(checks) do
  local gate = checks[tonumber(c.when) or 0]
  c.applies = c.when == "always" or c.when == "soft" or (gate ~= nil and gate.over)
  if c.applies then
    if c.algorithm == "sliding" then
      local current = tonumber(redis.call("GET", c.key) or "0")
      local previous = tonumber(redis.call("GET", c.previous) or "0")
      local into = now % c.window
      if math.floor((1 - into / c.window) * previous) + current >= c.tokens then
        c.over = true
        if current >= c.tokens then
          c.retry = c.window - into
        else
          -- The previous window's weight falls until floor((1 - x / window) * previous) < tokens - current.
          c.retry = math.floor(c.window * (1 - (c.tokens - current) / previous)) + 1 - into
        end
      end
    else
      redis.call("ZREMRANGEBYSCORE", c.key, "-inf", now - c.window)
      local count = redis.call("ZCARD", c.key)
      if count >= c.tokens then
        local oldest = redis.call("ZRANGE", c.key, count - c.tokens, count - c.tokens, "WITHSCORES")
        c.over = true
        c.retry = tonumber(oldest[2]) + c.window - now
      end
    end
    if c.over and c.when ~= "soft" then refused = true end
  end
end
local out = {}
for i, c in ipairs(checks) do
  if c.applies and not c.over and not refused then
    if c.algorithm == "sliding" then
      if redis.call("INCR", c.key) == 1 then redis.call("PEXPIRE", c.key, c.window * 2 + 1000) end
    else
      redis.call("ZADD", c.key, now, c.member)
      redis.call("PEXPIRE", c.key, c.window)
    end
  end
  out[i * 2 - 1] = c.over and 1 or 0
  out[i * 2] = math.floor(c.retry)
end
return out
`;

interface Scripts {
  readSets: Script<unknown[]>;
  writeSets: Script<number>;
  removeMembers: Script<number>;
  limit: Script<number[]>;
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
      limit: redis.createScript<number[]>(LIMIT),
    };
    scriptsOf.set(redis, scripts);
  }
  const { readSets, writeSets, removeMembers, limit } = scripts;
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
    limit: (checks, now) =>
      guarded(async () => {
        if (checks.length === 0) return [];
        const keys = checks.flatMap((c) =>
          c.algorithm === "sliding" ? [c.key, c.previousKey ?? `${c.key}:previous`] : [c.key],
        );
        const args = [String(now)];
        for (const c of checks)
          args.push(c.algorithm, String(c.tokens), String(c.windowMs), String(c.when), c.member ?? "");
        const reply = await limit.exec(keys, args);
        return checks.map((_, i) => ({
          over: Number(reply[i * 2]) === 1,
          retryMs: Math.max(0, Number(reply[i * 2 + 1]) || 0),
        }));
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
