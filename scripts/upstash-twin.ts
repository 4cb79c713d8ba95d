/**
 * Local twin of Upstash Redis: a small HTTP server that speaks the Upstash REST protocol exactly as
 * `@upstash/redis` (and `@upstash/ratelimit` on top of it) uses it, so the app talks to it unchanged
 * in development and tests; only UPSTASH_REDIS_REST_URL / _TOKEN differ.
 *
 * Protocol (as implemented by @upstash/redis 1.39 `HttpClient`):
 *   POST /             body ["SET","k","v"]           -> 200 {"result": ...} | 400 {"error": "ERR ..."}
 *   POST /pipeline     body [["SET","k","v"],[...]]   -> 200 [{"result": ...} | {"error": "..."}, ...]
 *   POST /multi-exec   same, run atomically (MULTI/EXEC); a queue-time error aborts -> 400 {"error": "EXECABORT ..."}
 *   GET|POST /set/k/v  path-style form; ?EX=10 query pairs and a POST body are appended as arguments
 *   Authorization: Bearer <token> (or ?_token=) else 401 {"error":"Unauthorized"}
 *   /db/<n>/…          any of the above in a store of its own: Redis's logical database n (memory
 *                      mode: a store of its own), so clients given different URLs never share a key
 *                      (each workerd test file gets one: vitest.config.ts)
 *   Upstash-Encoding: base64 -> every bulk/status string in the result, recursively, is base64 of its
 *   bytes (the client sends this header by default and decodes strings recursively; a top-level "OK"
 *   is sent raw, which the client also special-cases). Integers and null are plain JSON.
 *
 * Backends: a real Redis through ioredis (mode "redis") or an in-process ioredis-mock (mode "memory").
 * The mock is looser than Redis; the twin patches what the app's libraries hit (lower-case option
 * keywords, INCR on non-integers, Lua reply/return shapes). Anything else it lacks answers
 * "ERR unknown command ..."; use a real Redis for full fidelity.
 *
 * Lua: @upstash/ratelimit scripts start with `#!lua flags=allow-key-locking`, an Upstash-only flag.
 * Scripts are rewritten before they reach the backend, and the twin keeps its own map from the SHA1
 * of the ORIGINAL text (what clients compute) to the script, so EVALSHA with that hash works after
 * EVAL or SCRIPT LOAD and answers NOSCRIPT otherwise (clients then fall back to EVAL).
 *
 * CLI: node_modules/.bin/node scripts/upstash-twin.ts [--port 8079] [--host 127.0.0.1]
 *        [--token local-dev-token] [--redis-url redis://127.0.0.1:6379 | --memory]
 */
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import ioredis from "ioredis";
import RedisMock from "ioredis-mock";

// The default import is the CommonJS module object both under Node and under Vite's transform
// (the browser tests load this file through Vitest); named imports break under the latter.
const { Command, Redis } = ioredis as unknown as typeof import("ioredis");

export interface UpstashTwin {
  url: string;
  token: string;
  mode: "redis" | "memory";
  /** Authenticated HTTP requests answered so far (a pipeline is one): benchmarks count Upstash calls with it. */
  readonly requests: number;
  /** Commands run so far, as Upstash bills them: each command of a pipeline or transaction counts, a script call is one. */
  readonly commands: number;
  /**
   * The same commands by name and the key's first segment (`ZRANGE discover`, `EVALSHA rl`): what
   * `npm run cost` shows to say which feature spends them.
   */
  readonly commandsByKind: ReadonlyMap<string, number>;
  /**
   * HTTP requests (round trips) by the first segment of the keys they touched (`rl`, `discover`; a
   * keyless command by its name):
   * a pipeline of two limiter scripts counts once under `rl`.
   */
  readonly requestsByPrefix: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

export interface UpstashTwinOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default "local-dev-token". */
  token?: string;
  /**
   * Real Redis to use, e.g. redis://127.0.0.1:6379; throws when it does not answer. "memory" forces
   * the in-memory backend. When absent (and no REDIS_URL env), redis://127.0.0.1:6379 is tried
   * briefly and the in-memory backend used if nothing answers.
   */
  redisUrl?: string;
}

const DEFAULT_TOKEN = "local-dev-token";
const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
/** The highest /db/<n> store; `npm test`'s Redis is started with this many databases and one more. */
export const MAX_DATABASE = 4095;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const PROBE_TIMEOUT_MS = 300;
const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

type Arg = string | Buffer;
type Reply = null | number | string | Buffer | Error | Reply[];
type Json = null | number | string | Json[];
type Failure = { ok: false; error: string; status?: number };
type Outcome = { ok: true; value: Reply } | Failure;
type BatchResult = { aborted: false; outcomes: Outcome[] } | { aborted: true; error: string };

/** An error reply: its message is sent to the client as is ("ERR ...", "NOSCRIPT ...", ...). */
class CommandError extends Error {
  status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = "CommandError";
    this.status = status;
  }
}

interface Backend {
  readonly mode: "redis" | "memory";
  /** The Redis it talks to (redis mode), so a numbered database of the same server can be opened. */
  readonly url?: string;
  /** Runs commands in order; each independently, or all-or-nothing when `atomic`. */
  run(commands: Arg[][], atomic: boolean): Promise<BatchResult>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function argText(arg: Arg | undefined): string {
  if (arg === undefined) return "";
  return typeof arg === "string" ? arg : arg.toString("utf8");
}

function sha1(text: Arg): string {
  return createHash("sha1").update(text).digest("hex");
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Redis error replies start with an upper-case code (ERR, WRONGTYPE, NOSCRIPT, ...); add ERR when missing. */
function asReplyError(message: string): string {
  return /^[A-Z][A-Z_]+ /.test(message) ? message : `ERR ${message}`;
}

function unknownCommand(args: Arg[], note = ""): string {
  const [name, ...rest] = args;
  const shown = rest
    .slice(0, 3)
    .map((a) => `'${argText(a).slice(0, 64)}' `)
    .join("");
  return `ERR unknown command '${argText(name)}', with args beginning with: ${shown}${note}`;
}

/** Commands that would break the shared connection or the server; Upstash refuses them too. */
const BLOCKED = new Set([
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "monitor",
  "select",
  "swapdb",
  "quit",
  "reset",
  "hello",
  "auth",
  "shutdown",
  "sync",
  "psync",
  "replicaof",
  "slaveof",
  "debug",
]);

/**
 * Lua under ioredis-mock (fengari) differs from Redis in ways the ratelimit scripts trip over:
 * - `redis.call` replies arrive as JS-array proxies, with a truthy `null` userdata (not false) for
 *   missing elements (HMGET on a new key) and nested arrays indexed from 0 (a SCAN reply's keys);
 * - a returned table is only read as an array when its keys iterate from the last index down (as
 *   fengari's table constructors do), and a script without `return` hands back a dead VM proxy.
 * The wrapper converts replies into real Lua tables (nil bulk -> false, pcall errors -> {err=...})
 * and the script's result into the shape Redis would send ({err=...} raises, {ok=...} is a status,
 * numbers are truncated to integers, tables stop at the first nil). Its head is one line, so line numbers in Lua errors stay right.
 */
const MOCK_LUA_HEAD = [
  "local function twin_isnull(e) return e == nil or (type(e) == 'userdata' and tostring(e) == 'null') end",
  "local function twin_conv(v, top) if type(v) ~= 'userdata' then return v end",
  "local n = v.length if type(n) ~= 'number' then return v end",
  "if top then if type(v[0]) == 'string' then return { err = tostring(v[1]) } end n = n - 1 end",
  "local t = {} for i = n, 1, -1 do local e if top then e = v[i] else e = v[i - 1] end",
  "if twin_isnull(e) then t[i] = false else t[i] = twin_conv(e, false) end end return t end",
  "local function twin_out(v) if type(v) == 'number' then if v < 0 then return math.ceil(v) end return math.floor(v) end",
  "if type(v) ~= 'table' then return v end",
  "if v.err ~= nil then error(v.err, 0) end if v.ok ~= nil then return v.ok end",
  "local t = {} for i = #v, 1, -1 do t[i] = twin_out(v[i]) end return t end",
  "do local call, pcall_ = redis.call, redis.pcall",
  "redis.call = function(...) return twin_conv(call(...), true) end",
  "redis.pcall = function(...) return twin_conv(pcall_(...), true) end end",
  "return twin_out((function() ",
].join(" ");
const MOCK_LUA_TAIL = "\nend)())";
const MOCK_LUA_ERROR_PREFIX = "Error trying to loading or executing lua code string in VM: ";

/**
 * Makes a script runnable by the backend. Redis 7 rejects the Upstash-only shebang flag
 * `allow-key-locking`; the mock's Lua (fengari) cannot parse a shebang line at all. The line is
 * blanked rather than removed so that line numbers in Lua errors stay right. Memory mode also
 * wraps the script (MOCK_LUA_HEAD).
 */
function runnableScript(script: string, mode: "redis" | "memory"): string {
  const match = /^#![^\n]*/.exec(script);
  if (mode === "memory") return MOCK_LUA_HEAD + script.slice(match?.[0].length ?? 0) + MOCK_LUA_TAIL;
  if (!match) return script;
  const line = match[0];
  const rest = script.slice(line.length);
  const flags = /^#!lua\s+flags=(\S*)\s*$/.exec(line)?.[1];
  if (flags === undefined || !flags.split(",").includes("allow-key-locking")) return script;
  const kept = flags.split(",").filter((f) => f !== "" && f !== "allow-key-locking");
  return kept.length > 0 ? `#!lua flags=${kept.join(",")}${rest}` : rest;
}

/**
 * Result encoding. With base64, every string (bulk or status) is base64 of its bytes, recursively;
 * the client's `decode()` reverses exactly that. A top-level "OK" is sent raw as Upstash does (the
 * client keeps a raw "OK" as is). Without base64, strings are sent as UTF-8 text.
 */
function encodeReply(value: Reply, base64: boolean, topLevel: boolean): Json {
  if (value === null) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map((v) => encodeReply(v, base64, false));
  const bytes =
    value instanceof Error
      ? Buffer.from(value.message, "utf8")
      : typeof value === "string"
        ? Buffer.from(value, "utf8")
        : value;
  if (!base64) return bytes.toString("utf8");
  if (topLevel && bytes.length === 2 && bytes[0] === 0x4f && bytes[1] === 0x4b) return "OK";
  return bytes.toString("base64");
}

// ---------------------------------------------------------------------------------------------
// Backends

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === "ReplyError";
}

function redisFailure(error: unknown): Failure {
  if (isReplyError(error)) return { ok: false, error: errorMessage(error) };
  return { ok: false, error: `ERR upstash-twin: Redis unavailable: ${errorMessage(error)}`, status: 500 };
}

/** ioredis returns integers as numbers, bulk/status strings as Buffers (replyEncoding null), nested errors as ReplyError. */
function fromRedis(value: unknown): Reply {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value as Buffer;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map(fromRedis);
  return String(value);
}

async function probeRedis(url: string): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
  });
  probe.on("error", () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      (async () => {
        await probe.connect();
        await probe.ping();
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), PROBE_TIMEOUT_MS * 3);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

async function redisBackend(url: string): Promise<Backend> {
  await probeRedis(url);
  const client = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  let lastLogged = "";
  client.on("error", (error: unknown) => {
    const message = errorMessage(error);
    if (message !== lastLogged) console.error(`upstash-twin: redis: ${message}`);
    lastLogged = message;
  });
  client.on("ready", () => {
    lastLogged = "";
  });
  await client.ping();

  // The upper-case name keeps ioredis from applying its reply transformers (HGETALL -> object);
  // replyEncoding null keeps bulk strings as Buffers, so binary values pass through untouched.
  const send = (args: Arg[]): Promise<unknown> => {
    const [name, ...rest] = args;
    const command = new Command(argText(name).toUpperCase(), rest, { replyEncoding: null });
    client.sendCommand(command);
    return command.promise;
  };

  return {
    mode: "redis",
    url,
    async run(commands, atomic) {
      if (!atomic) {
        // All written in one tick on one connection: Redis runs them in order, each on its own.
        const settled = await Promise.allSettled(commands.map(send));
        return {
          aborted: false,
          outcomes: settled.map((s) =>
            s.status === "fulfilled" ? { ok: true, value: fromRedis(s.value) } : redisFailure(s.reason),
          ),
        };
      }
      // MULTI, the commands and EXEC written in the same tick, so no other request can interleave.
      const [multi, ...rest] = await Promise.allSettled([
        send(["MULTI"]),
        ...commands.map(send),
        send(["EXEC"]),
      ]);
      const exec = rest.pop();
      if (multi?.status === "rejected") return { aborted: true, error: redisFailure(multi.reason).error };
      if (!exec || exec.status === "rejected") {
        const index = rest.findIndex((r) => r.status === "rejected");
        const first = rest[index];
        const detail =
          first?.status === "rejected" ? ` (command ${index + 1}: ${errorMessage(first.reason)})` : "";
        return {
          aborted: true,
          error: `${exec ? redisFailure(exec.reason).error : "ERR EXEC failed"}${detail}`,
        };
      }
      const replies = exec.value;
      if (!Array.isArray(replies)) return { aborted: true, error: "EXECABORT Transaction aborted" };
      return {
        aborted: false,
        outcomes: replies.map(
          (r: unknown): Outcome =>
            r instanceof Error ? { ok: false, error: r.message } : { ok: true, value: fromRedis(r) },
        ),
      };
    },
    async close() {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

type MockMethod = (...args: Arg[]) => Promise<unknown>;

/**
 * @upstash/redis sends option keywords in lower case (["set","k","v","ex",60], ["zadd","z","nx",...]).
 * Redis does not care, but ioredis-mock only knows upper case and silently ignores the rest (SET ...
 * ex 60 would store without a TTL). In option positions, keywords are upper-cased for the mock.
 * `from` is where options may start; `leading` means they stop at the first non-keyword (ZADD).
 */
const MOCK_OPTIONS: Record<string, { from: number; leading?: boolean }> = {
  set: { from: 3 },
  getex: { from: 2 },
  zadd: { from: 2, leading: true },
  zrange: { from: 4 },
  zrevrange: { from: 4 },
  zrangebyscore: { from: 4 },
  zrevrangebyscore: { from: 4 },
  zrangebylex: { from: 4 },
  zrevrangebylex: { from: 4 },
  expire: { from: 3 },
  pexpire: { from: 3 },
  expireat: { from: 3 },
  pexpireat: { from: 3 },
  scan: { from: 2 },
  hscan: { from: 3 },
  sscan: { from: 3 },
  zscan: { from: 3 },
  hrandfield: { from: 3 },
  lpos: { from: 3 },
};
/** Option keyword -> how many values follow it (those are left alone). */
const OPTION_VALUES: Record<string, number> = {
  ex: 1,
  px: 1,
  exat: 1,
  pxat: 1,
  limit: 2,
  match: 1,
  count: 1,
  type: 1,
  rank: 1,
  maxlen: 1,
  nx: 0,
  xx: 0,
  gt: 0,
  lt: 0,
  ch: 0,
  incr: 0,
  get: 0,
  keepttl: 0,
  persist: 0,
  withscores: 0,
  withvalues: 0,
  rev: 0,
  byscore: 0,
  bylex: 0,
};

function upperCaseOptions(args: Arg[]): Arg[] {
  const spec = MOCK_OPTIONS[argText(args[0]).toLowerCase()];
  if (!spec) return args;
  const out = [...args];
  let i = spec.from;
  while (i < out.length) {
    const token = out[i];
    const keyword = typeof token === "string" ? token.toLowerCase() : "";
    const values = Object.hasOwn(OPTION_VALUES, keyword) ? OPTION_VALUES[keyword] : undefined;
    if (values === undefined) {
      if (spec.leading) break;
      i += 1;
      continue;
    }
    out[i] = keyword.toUpperCase();
    i += 1 + values;
  }
  return out;
}

const COUNTERS = new Set(["incr", "decr", "incrby", "decrby"]);
const INTEGER = /^-?\d{1,19}$/;
const NOT_INTEGER = "ERR value is not an integer or out of range";
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

/** Names the mock knows under another name. The twin sends scripts with EVAL; EVAL_RO runs the same way. */
const MOCK_ALIASES: Record<string, string> = { eval_ro: "eval", evalsha_ro: "evalsha" };

let mockInstances = 0;

function memoryBackend(): Backend {
  // ioredis-mock shares data between instances with the same host:port/db; a unique host keeps
  // every twin's data its own.
  mockInstances += 1;
  const mock = new RedisMock({ host: `upstash-twin-${process.pid}-${mockInstances}`, port: 6379 });
  const methods = mock as unknown as Record<string, unknown>;

  /**
   * Implemented commands are own enumerable properties; commands the mock knows but lacks are
   * non-enumerable stubs that throw. The `...Buffer` variant is preferred for byte-exact replies.
   */
  const resolve = (name: string): MockMethod | undefined => {
    for (const candidate of [`${name}Buffer`, name]) {
      const descriptor = Object.getOwnPropertyDescriptor(methods, candidate);
      if (descriptor?.enumerable && typeof descriptor.value === "function")
        return descriptor.value as MockMethod;
    }
    return undefined;
  };

  const methodFor = (args: Arg[]): MockMethod | undefined => {
    const name = argText(args[0]).toLowerCase();
    if (!/^[a-z][a-z_]*$/.test(name)) return undefined;
    return resolve(MOCK_ALIASES[name] ?? name);
  };

  /** ioredis-mock answers some commands in ioredis' shapes (HGETALL -> object); turn them back into RESP. */
  const normalize = (value: unknown): Reply => {
    if (value === null || value === undefined || typeof value === "function") return null;
    if (typeof value === "string" || typeof value === "number") return value;
    if (Buffer.isBuffer(value)) return value as Buffer;
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "boolean") return value ? 1 : null;
    if (value instanceof Error) return value;
    if (Array.isArray(value)) return value.map(normalize);
    if (value instanceof Map) return [...value.entries()].flatMap(([k, v]) => [normalize(k), normalize(v)]);
    if (value instanceof Set) return [...value].map(normalize);
    if (typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, normalize(v)]);
    return String(value);
  };

  /**
   * ioredis-mock happily INCRs a non-integer into NaN and stores it; refuse as Redis does, before
   * the value is damaged.
   */
  const guardCounters = async (args: Arg[]): Promise<void> => {
    const name = argText(args[0]).toLowerCase();
    const hash = name === "hincrby";
    if (!hash && !COUNTERS.has(name)) return;
    const key = args[1];
    if (key === undefined) return;
    const by = name === "incrby" || name === "decrby" ? args[2] : hash ? args[3] : "1";
    if (by !== undefined && !INTEGER.test(argText(by))) throw new CommandError(NOT_INTEGER);
    const type = await mock.type(argText(key));
    if (type === "none") return;
    if (type !== (hash ? "hash" : "string")) throw new CommandError(WRONGTYPE);
    const current = hash ? await mock.hget(argText(key), argText(args[2])) : await mock.get(argText(key));
    if (current !== null && !INTEGER.test(current)) {
      throw new CommandError(hash ? "ERR hash value is not an integer" : NOT_INTEGER);
    }
  };

  const call = async (command: Arg[]): Promise<Reply> => {
    const args = upperCaseOptions(command);
    await guardCounters(args);
    const method = methodFor(args);
    if (!method) {
      const known = Object.getOwnPropertyDescriptor(methods, argText(args[0]).toLowerCase()) !== undefined;
      throw new CommandError(
        unknownCommand(args, known ? "(not supported by the in-memory upstash-twin; run a real Redis)" : ""),
      );
    }
    let raw: unknown;
    try {
      raw = await method.apply(mock, args.slice(1));
    } catch (error) {
      throw new CommandError(asReplyError(errorMessage(error).replace(MOCK_LUA_ERROR_PREFIX, "")));
    }
    // The mock yields NaN where Redis refuses a non-integer (INCR on "abc").
    if (typeof raw === "number" && Number.isNaN(raw)) throw new CommandError(NOT_INTEGER);
    return normalize(raw);
  };

  // One request at a time: pipelines and transactions see no interleaving, as on a single Redis.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => {});
    return run;
  };

  return {
    mode: "memory",
    run(commands, atomic) {
      return exclusive(async (): Promise<BatchResult> => {
        if (atomic) {
          const index = commands.findIndex((c) => !methodFor(c));
          const bad = commands[index];
          if (bad) {
            return {
              aborted: true,
              error: `EXECABORT Transaction discarded because of previous errors. (command ${index + 1}: ${unknownCommand(bad)})`,
            };
          }
        }
        const outcomes: Outcome[] = [];
        for (const command of commands) {
          try {
            outcomes.push({ ok: true, value: await call(command) });
          } catch (error) {
            outcomes.push({ ok: false, error: asReplyError(errorMessage(error)) });
          }
        }
        return { aborted: false, outcomes };
      });
    },
    async close() {
      await exclusive(async () => {
        await mock.flushall();
        mock.disconnect();
      });
    },
  };
}

async function openBackend(redisUrl: string | undefined): Promise<Backend> {
  const configured = redisUrl ?? process.env.REDIS_URL;
  if (configured === "memory" || configured === "memory:") return memoryBackend();
  if (configured) {
    try {
      return await redisBackend(configured);
    } catch (error) {
      throw new Error(`upstash-twin: cannot reach Redis at ${configured}: ${errorMessage(error)}`);
    }
  }
  try {
    return await redisBackend(DEFAULT_REDIS_URL);
  } catch {
    return memoryBackend();
  }
}

// ---------------------------------------------------------------------------------------------
// Command planning: scripts and refused commands are handled here, everything else is forwarded.

type Plan =
  | { kind: "reply"; outcome: Outcome }
  | { kind: "send"; args: Arg[]; after?: (reply: Reply) => Reply; onError?: () => void };

function createPlanner(mode: "redis" | "memory") {
  /** SHA1 of the original script text -> original text. */
  const scripts = new Map<string, string>();
  const reply = (value: Reply): Plan => ({ kind: "reply", outcome: { ok: true, value } });
  const fail = (error: string): Plan => ({ kind: "reply", outcome: { ok: false, error } });

  return (args: Arg[]): Plan => {
    const name = argText(args[0]).toLowerCase();
    if (BLOCKED.has(name)) return fail(`ERR Command is not available: '${name.toUpperCase()}'`);
    if (name === "client" && argText(args[1]).toLowerCase() === "reply")
      return fail("ERR Command is not available: 'CLIENT REPLY'");

    if (name === "eval" || name === "eval_ro") {
      const script = args[1];
      if (script === undefined) return { kind: "send", args };
      scripts.set(sha1(script), argText(script));
      return {
        kind: "send",
        args: [args[0] ?? name, runnableScript(argText(script), mode), ...args.slice(2)],
      };
    }

    if (name === "evalsha" || name === "evalsha_ro") {
      const script = scripts.get(argText(args[1]).toLowerCase());
      if (script !== undefined) {
        const evalName = name === "evalsha" ? "EVAL" : "EVAL_RO";
        return { kind: "send", args: [evalName, runnableScript(script, mode), ...args.slice(2)] };
      }
      return mode === "memory" || args[1] === undefined ? fail(NOSCRIPT) : { kind: "send", args };
    }

    if (name === "script") {
      const sub = argText(args[1]).toLowerCase();
      if (sub === "load" && args[2] !== undefined) {
        const text = argText(args[2]);
        const sha = sha1(args[2]);
        const known = scripts.has(sha);
        scripts.set(sha, text);
        if (mode === "memory") return reply(sha);
        // Let Redis compile it (errors surface here) but answer with the hash of the original text.
        return {
          kind: "send",
          args: ["SCRIPT", "LOAD", runnableScript(text, mode)],
          after: () => sha,
          onError: () => {
            if (!known) scripts.delete(sha);
          },
        };
      }
      if (sub === "exists") {
        const shas = args.slice(2).map((s) => argText(s).toLowerCase());
        const known = shas.map((s) => scripts.has(s));
        if (mode === "memory" || known.every(Boolean)) return reply(known.map((k) => (k ? 1 : 0)));
        return {
          kind: "send",
          args,
          after: (r) => (Array.isArray(r) ? r.map((v, i) => (known[i] ? 1 : v)) : r),
        };
      }
      if (sub === "flush") {
        scripts.clear();
        return mode === "memory" ? reply("OK") : { kind: "send", args };
      }
      if (mode === "memory") {
        return sub === "kill"
          ? fail("NOTBUSY No scripts in execution right now.")
          : fail(`ERR unknown subcommand '${argText(args[1])}'. Try SCRIPT HELP.`);
      }
    }

    return { kind: "send", args };
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

class HttpError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "*",
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...CORS_HEADERS,
  });
  res.end(text);
}

/** Reads the whole body; over the limit the rest is drained (so the client sees the 413) but not kept. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES * 4) {
      req.destroy();
      break;
    }
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  if (size > MAX_BODY_BYTES) throw new HttpError(413, `ERR request body exceeds ${MAX_BODY_BYTES} bytes`);
  return Buffer.concat(chunks);
}

/** A command's name and its first key's leading segment; a script call's key comes after the key count. */
function commandKind(command: Arg[]): string {
  const name = String(command[0] ?? "").toUpperCase();
  const key = /^EVAL/.test(name) ? command[3] : command[1];
  const segment = key === undefined ? "" : String(key).split(/[:{]/)[0]?.slice(0, 24);
  return segment ? `${name} ${segment}` : name;
}

function toCommand(value: unknown, where: string): Arg[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new HttpError(400, `ERR ${where} must be a non-empty JSON array of strings`);
  }
  return value.map((part: unknown, i): Arg => {
    if (typeof part === "string") return part;
    if (typeof part === "number" || typeof part === "boolean") return String(part);
    throw new HttpError(400, `ERR ${where}: argument ${i + 1} must be a string, number or boolean`);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, `ERR failed to parse request body as JSON: ${errorMessage(error)}`);
  }
}

function bearer(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1];
  }
  return url.searchParams.get("_token") ?? undefined;
}

type Executor = (commands: Arg[][], atomic: boolean) => Promise<BatchResult>;

/** Plans the commands (in order), runs what needs the backend in one batch, merges the answers. */
function executorFor(backend: Backend): Executor {
  const plan = createPlanner(backend.mode);
  return async (commands, atomic) => {
    const plans = commands.map(plan);
    const sends = plans.flatMap((p) => (p.kind === "send" ? [p.args] : []));
    const batch =
      sends.length > 0 ? await backend.run(sends, atomic) : ({ aborted: false, outcomes: [] } as BatchResult);
    if (batch.aborted) {
      for (const p of plans) if (p.kind === "send") p.onError?.();
      return batch;
    }
    let next = 0;
    const outcomes = plans.map((p): Outcome => {
      if (p.kind === "reply") return p.outcome;
      const outcome = batch.outcomes[next++] ?? { ok: false, error: "ERR upstash-twin: missing reply" };
      if (!outcome.ok) {
        p.onError?.();
        return outcome;
      }
      return p.after ? { ok: true, value: p.after(outcome.value) } : outcome;
    });
    return { aborted: false, outcomes };
  };
}

/**
 * Store n of the twin: Redis's logical database n on the same server (redis mode), or a memory store
 * of its own. A Redis that has fewer databases (16 by default; `npm test`'s own Redis has 4096)
 * cannot hold it: that store is kept in memory instead, and said once.
 */
let toldFewDatabases = false;
async function openDatabase(root: Backend, n: number): Promise<Backend> {
  if (root.mode === "memory" || !root.url) return memoryBackend();
  const url = new URL(root.url);
  url.pathname = `/${n}`;
  try {
    const backend = await redisBackend(url.toString());
    const answer = await backend.run([["DBSIZE"]], false);
    const reply = answer.aborted ? undefined : answer.outcomes[0];
    if (!reply?.ok) {
      await backend.close();
      throw new Error(reply?.error ?? "no reply");
    }
    return backend;
  } catch (error) {
    if (!toldFewDatabases)
      console.error(
        `upstash-twin: Redis database ${n} cannot be opened (${errorMessage(error)}); kept in memory`,
      );
    toldFewDatabases = true;
    return memoryBackend();
  }
}

export async function startUpstashTwin(opts: UpstashTwinOptions = {}): Promise<UpstashTwin> {
  const host = opts.host ?? "127.0.0.1";
  const token = opts.token ?? DEFAULT_TOKEN;
  const backend = await openBackend(opts.redisUrl);
  let commandCount = 0;
  const commandsByKind = new Map<string, number>();
  const requestsByPrefix = new Map<string, number>();
  /** Every store's executor counts what it runs, as Upstash bills it. */
  const counted =
    (execute: Executor): Executor =>
    (commands, atomic) => {
      commandCount += commands.length;
      const prefixes = new Set<string>();
      for (const command of commands) {
        const kind = commandKind(command);
        commandsByKind.set(kind, (commandsByKind.get(kind) ?? 0) + 1);
        prefixes.add(kind.slice(kind.indexOf(" ") + 1));
      }
      for (const prefix of prefixes) requestsByPrefix.set(prefix, (requestsByPrefix.get(prefix) ?? 0) + 1);
      return execute(commands, atomic);
    };
  const root = counted(executorFor(backend));
  /** The numbered stores (/db/<n>/…), opened on first use. */
  const databases = new Map<number, Promise<{ backend: Backend; execute: Executor }>>();
  const database = (n: number) => {
    let opened = databases.get(n);
    if (!opened) {
      opened = openDatabase(backend, n).then((b) => ({ backend: b, execute: counted(executorFor(b)) }));
      databases.set(n, opened);
    }
    return opened;
  };
  let requests = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method === "OPTIONS") {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://twin.local");
    if (bearer(req, url) !== token) {
      req.resume();
      sendJson(res, 401, { error: "Unauthorized" });
      return;
    }
    requests += 1;
    if (req.method !== "POST" && req.method !== "GET") {
      req.resume();
      sendJson(res, 405, { error: `ERR method ${req.method} not allowed` });
      return;
    }
    const body = await readBody(req);
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    let segments: string[];
    try {
      segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      throw new HttpError(400, "ERR malformed URL path");
    }
    let execute = root;
    if (segments[0]?.toLowerCase() === "db" && segments.length >= 2) {
      const n = Number(segments[1]);
      if (!Number.isInteger(n) || n < 1 || n > MAX_DATABASE)
        throw new HttpError(400, `ERR database must be 1 to ${MAX_DATABASE}`);
      execute = (await database(n)).execute;
      segments = segments.slice(2);
    }
    const first = segments[0]?.toLowerCase();

    if (segments.length === 1 && (first === "pipeline" || first === "multi-exec")) {
      const parsed = parseJson(body);
      if (!Array.isArray(parsed)) throw new HttpError(400, `ERR /${first} expects a JSON array of commands`);
      const commands = parsed.map((c: unknown, i) => toCommand(c, `command ${i + 1}`));
      const result = await execute(commands, first === "multi-exec");
      if (result.aborted) {
        sendJson(res, 400, { error: result.error });
        return;
      }
      sendJson(
        res,
        200,
        result.outcomes.map((o) =>
          o.ok ? { result: encodeReply(o.value, base64, true) } : { error: o.error },
        ),
      );
      return;
    }

    let command: Arg[];
    if (segments.length === 0) {
      if (body.length === 0) throw new HttpError(400, 'ERR empty command: POST a JSON array like ["PING"]');
      command = toCommand(parseJson(body), "command");
    } else {
      // Path style: /set/key/value?EX=100, a POST body is the last argument.
      command = [...segments];
      for (const [key, value] of url.searchParams) {
        if (key === "_token") continue;
        command.push(key);
        if (value !== "") command.push(value);
      }
      if (req.method === "POST" && body.length > 0) command.push(body);
    }
    const result = await execute([command], false);
    const outcome = result.aborted ? ({ ok: false, error: result.error } as Outcome) : result.outcomes[0];
    if (!outcome) throw new Error("no outcome");
    if (outcome.ok) sendJson(res, 200, { result: encodeReply(outcome.value, base64, true) });
    else sendJson(res, outcome.status ?? 400, { error: outcome.error });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError || error instanceof CommandError) {
        sendJson(res, error.status, { error: error.message });
      } else {
        sendJson(res, 500, { error: `ERR upstash-twin internal error: ${errorMessage(error)}` });
      }
    });
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await backend.close();
    throw error;
  }

  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    token,
    mode: backend.mode,
    get requests() {
      return requests;
    },
    get commands() {
      return commandCount;
    },
    commandsByKind,
    requestsByPrefix,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        for (const opened of databases.values()) await (await opened).backend.close();
        await backend.close();
      })();
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

function isMain(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

async function main(argv: string[]): Promise<void> {
  const opts: UpstashTwinOptions = { port: 8079 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--port") opts.port = Number(value());
    else if (flag === "--host") opts.host = value();
    else if (flag === "--token") opts.token = value();
    else if (flag === "--redis-url") opts.redisUrl = value();
    else if (flag === "--memory") opts.redisUrl = "memory";
    else if (flag === "--help" || flag === "-h") {
      console.log(
        "usage: upstash-twin [--port 8079] [--host 127.0.0.1] [--token local-dev-token] [--redis-url URL | --memory]",
      );
      return;
    } else throw new Error(`unknown argument: ${flag}`);
  }
  if (!Number.isInteger(opts.port) || (opts.port ?? 0) < 0)
    throw new Error("--port must be a non-negative integer");
  const twin = await startUpstashTwin(opts);
  console.log(`upstash-twin listening on ${twin.url} (mode: ${twin.mode})`);
  const stop = (): void => {
    twin.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (isMain()) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(errorMessage(error));
    process.exit(1);
  });
}
