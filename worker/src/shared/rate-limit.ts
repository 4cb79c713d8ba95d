import { Ratelimit } from "@upstash/ratelimit";
import type { Redis } from "@upstash/redis/cloudflare";
import { limiterClient } from "../adapters/store/upstash";
import type { Env } from "../env";
import { RateLimited, ServiceUnavailable } from "./errors";

type Window = Parameters<typeof Ratelimit.slidingWindow>[1];
interface Policy {
  tokens: number;
  window: Window;
  /** Costly endpoints refuse service when the limiter's store is down; cheap ones let requests through. */
  failClosed: boolean;
  /**
   * `sliding` (default) smooths across window edges but only estimates there (@upstash/ratelimit's
   * sliding window); `log` keeps every accepted request's time: exactly `tokens` in ANY window-long span.
   */
  algorithm?: "sliding" | "log";
  /** Named in the 429 body so the page can say which limit was hit. */
  code?: string;
}

export const POLICIES = {
  loginIp: { tokens: 20, window: "1 m", failClosed: true },
  /** Account-wide failures: over it the account is "under attack" and each address gets fewer tries, never none. */
  loginAccount: { tokens: 30, window: "15 m", failClosed: true },
  loginAccountIp: { tokens: 5, window: "15 m", failClosed: true },
  loginAccountIpUnderAttack: { tokens: 2, window: "15 m", failClosed: true },
  passwordChangeUser: { tokens: 5, window: "15 m", failClosed: true },
  registerIp: { tokens: 10, window: "1 h", failClosed: true },
  resetAddress: { tokens: 3, window: "1 h", failClosed: true },
  verifyResendAddress: { tokens: 3, window: "1 h", failClosed: true },
  mailIp: { tokens: 20, window: "1 h", failClosed: true },
  /** Reset and verification mail nobody signed in asked for, per recipient, whoever sends it. */
  mailAddress: { tokens: 5, window: "1 h", failClosed: true },
  /** The "you already have an account" notice, per recipient: anyone can trigger it, so its own budget. */
  accountExistsAddress: { tokens: 1, window: "1 d", failClosed: true },
  avatarUser: { tokens: 20, window: "1 h", failClosed: false },
  draftIp: { tokens: 5, window: "1 m", failClosed: true, algorithm: "log", code: "ip-limit" },
  draftAccount: { tokens: 30, window: "1 d", failClosed: true, code: "daily-quota" },
  messageRequestUser: { tokens: 20, window: "1 d", failClosed: false, code: "message-requests" },
  commentUser: { tokens: 60, window: "1 h", failClosed: false, code: "comments" },
  noteUser: { tokens: 20, window: "1 h", failClosed: false, code: "notes" },
  threadMessageUser: { tokens: 60, window: "1 h", failClosed: false, code: "thread-messages" },
  reportUser: { tokens: 30, window: "1 h", failClosed: false, code: "reports" },
  /** Likes and unlikes of notes and comments, one budget per account. */
  likeUser: { tokens: 300, window: "1 h", failClosed: false, code: "likes" },
  followUser: { tokens: 60, window: "1 h", failClosed: false, algorithm: "log", code: "follows" },
  noteImageUser: { tokens: 60, window: "1 h", failClosed: false, algorithm: "log", code: "note-images" },
  connectionRequestUser: {
    tokens: 20,
    window: "1 d",
    failClosed: false,
    algorithm: "log",
    code: "connection-requests",
  },
  officerInviteClub: { tokens: 30, window: "1 d", failClosed: false, code: "officer-invitations" },
  /** Session changes that mail the other side (meeting link, reschedule proposals): no flooding an inbox. */
  sessionChangeUser: {
    tokens: 20,
    window: "1 d",
    failClosed: false,
    algorithm: "log",
    code: "session-changes",
  },
} satisfies Record<string, Policy>;
export type PolicyName = keyof typeof POLICIES;

/** One token to spend: a policy and who for (an address, an account, a pair of them). */
export interface Spend {
  policy: PolicyName;
  identifier: string;
  /** Spent while under, but never refuses: over, it switches on the spends that name it. */
  soft?: boolean;
  /**
   * Enforced only when this soft spend (of the same call) is over its limit. Its own token is spent
   * in the same round trip whether or not it is enforced (it counts the identifier's every try).
   */
  onlyIfOver?: PolicyName;
}

/**
 * Per isolate: a limit's key → when its block ends (ms). It is @upstash/ratelimit's `ephemeralCache`
 * (the library writes `rl:<policy>:<identifier>` → its `reset` when it refuses, and answers from it
 * with no store call until then), and the exact log's blocks live in it too (`rl:log:…`). A request
 * with an enforced spend known to be blocked is refused from here before any spend is sent.
 */
const blockedUntil = new Map<string, number>();
/** Bounds the map in a long-lived isolate: past this, ended blocks are dropped, then the oldest. */
const MAX_BLOCKED = 10_000;

function prune(now: number) {
  if (blockedUntil.size < MAX_BLOCKED) return;
  for (const [k, end] of blockedUntil) if (end <= now) blockedUntil.delete(k);
  for (const k of blockedUntil.keys()) {
    if (blockedUntil.size < MAX_BLOCKED) break;
    blockedUntil.delete(k);
  }
}

/** One Ratelimit per client and policy (each holds its client; the cache is the shared map). */
const limiters = new WeakMap<Redis, Map<PolicyName, Ratelimit>>();

function limiterFor(redis: Redis, name: PolicyName): Ratelimit {
  let byPolicy = limiters.get(redis);
  if (!byPolicy) {
    byPolicy = new Map();
    limiters.set(redis, byPolicy);
  }
  let limiter = byPolicy.get(name);
  if (!limiter) {
    const policy: Policy = POLICIES[name];
    limiter = new Ratelimit({
      redis,
      limiter: Ratelimit.slidingWindow(policy.tokens, policy.window),
      prefix: `rl:${name}`,
      ephemeralCache: blockedUntil,
      // 0 turns off the library's "allow on timeout" so that we decide, per policy, what an outage means.
      timeout: 0,
      analytics: false,
    });
    byPolicy.set(name, limiter);
  }
  return limiter;
}

/**
 * Exact sliding log (@upstash/ratelimit has no exact algorithm): a sorted set of accepted request
 * times per key, trimmed, counted and added to in one script so concurrent requests cannot both take
 * the last slot. Returns {1, 0} when accepted, {0, ms until the oldest entry leaves the window} when not.
 */
const SLIDING_LOG = `
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}
`;

/** The log script's SHA-1, computed once per isolate (WebCrypto has no synchronous digest). */
let slidingLogHash: Promise<string> | undefined;
function logHash(): Promise<string> {
  slidingLogHash ??= crypto.subtle
    .digest("SHA-1", new TextEncoder().encode(SLIDING_LOG))
    .then((digest) => [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""));
  return slidingLogHash;
}

const UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
function windowMs(window: Window): number {
  const [amount, unit] = String(window).split(" ");
  return Number(amount) * UNITS_MS[unit as keyof typeof UNITS_MS];
}

const keyOf = (spend: Spend) =>
  (POLICIES[spend.policy] as Policy).algorithm === "log"
    ? // Its own prefix: the token bucket the log replaced left hashes under `rl:<name>:<id>` (WRONGTYPE).
      `rl:log:${spend.policy}:${spend.identifier.toLowerCase()}`
    : `rl:${spend.policy}:${spend.identifier.toLowerCase()}`;

/** One spend's outcome: null when a token was spent, else the ms until one is free. */
async function spendOne(redis: Redis, hash: string, spend: Spend, now: number): Promise<number | null> {
  const policy: Policy = POLICIES[spend.policy];
  const key = keyOf(spend);
  if (policy.algorithm !== "log") {
    const outcome = await limiterFor(redis, spend.policy).limit(spend.identifier.toLowerCase());
    return outcome.success ? null : Math.max(outcome.reset - Date.now(), 0);
  }
  const until = blockedUntil.get(key);
  if (until !== undefined) {
    if (until > now) return until - now;
    blockedUntil.delete(key);
  }
  const args = [
    String(now),
    String(windowMs(policy.window)),
    String(policy.tokens),
    `${now}:${crypto.randomUUID()}`,
  ];
  let reply: [number, number];
  try {
    reply = (await redis.evalsha(hash, [key], args)) as [number, number];
  } catch (error) {
    // Not loaded yet on this Redis (the first call after a restart): once more with the text.
    if (!`${error}`.includes("NOSCRIPT")) throw error;
    reply = (await redis.eval(SLIDING_LOG, [key], args)) as [number, number];
  }
  const [accepted, retryMs] = reply.map(Number);
  if (accepted === 1) return null;
  blockedUntil.set(key, now + (retryMs ?? 0));
  return retryMs ?? 0;
}

/** What one call decided: the enforced spend that refused it (the longest wait), and which soft spends were over. */
export interface LimitDecision {
  refused: { policy: PolicyName; retryMs: number } | null;
  over: Set<PolicyName>;
}

/**
 * Spends one token of every spend, all issued in the same tick on the auto-pipelining client, so
 * they reach the store as one pipeline (one round trip; a script not loaded yet costs one more).
 * Each spend has its own budget, as in @upstash/ratelimit: a refused spend takes no token, the
 * others of the call still do. None is sent when an enforced spend is already known to be blocked.
 * Throws when the store fails (the caller decides what an outage means).
 */
export async function limitWith(redis: Redis, spends: Spend[], now = Date.now()): Promise<LimitDecision> {
  for (const spend of spends) {
    if (spend.onlyIfOver && !spends.some((s) => s.policy === spend.onlyIfOver && s.soft))
      throw new Error(`${spend.policy} depends on a soft ${spend.onlyIfOver} spend`);
  }
  const enforced = (spend: Spend) => !spend.soft && !spend.onlyIfOver;
  let known: LimitDecision["refused"] = null;
  for (const spend of spends) {
    const until = blockedUntil.get(keyOf(spend));
    if (!enforced(spend) || until === undefined || until <= now) continue;
    if (!known || until - now > known.retryMs) known = { policy: spend.policy, retryMs: until - now };
  }
  if (known) return { refused: known, over: new Set() };
  prune(now);
  // Awaited before any spend is issued, so that all of them go out in the same tick.
  const hash = await logHash();
  const outcomes = await Promise.all(spends.map((spend) => spendOne(redis, hash, spend, now)));
  const over = new Set<PolicyName>();
  for (const [i, spend] of spends.entries()) if (spend.soft && outcomes[i] !== null) over.add(spend.policy);
  let refused: LimitDecision["refused"] = null;
  for (const [i, spend] of spends.entries()) {
    const retryMs = outcomes[i];
    if (retryMs === null || retryMs === undefined || spend.soft) continue;
    if (spend.onlyIfOver && !over.has(spend.onlyIfOver)) continue;
    if (!refused || retryMs > refused.retryMs) refused = { policy: spend.policy, retryMs };
  }
  return { refused, over };
}

/**
 * Spends one token of each of `spends` in one store round trip (none for a caller already known to
 * be blocked); throws 429 with Retry-After when an enforced one is over, 503 when the store is down
 * and any of them fails closed. Returns the soft spends that were over. `now` moves the exact log's
 * clock (tests); the sliding windows read the library's own (Date.now()).
 */
export async function enforceAll(
  env: Env,
  spends: Spend[],
  { now = Date.now() }: { now?: number } = {},
): Promise<Set<PolicyName>> {
  let decision: LimitDecision;
  try {
    decision = await limitWith(limiterClient(env), spends, now);
  } catch {
    if (spends.some((spend) => POLICIES[spend.policy].failClosed))
      throw new ServiceUnavailable("Rate limiting is unavailable; try again shortly.", 30);
    return new Set();
  }
  if (decision.refused) {
    const policy: Policy = POLICIES[decision.refused.policy];
    throw new RateLimited(Math.max(decision.refused.retryMs, 1) / 1000, policy.code);
  }
  return decision.over;
}

/** Spends one token of `name` for `identifier`; throws 429 when over, 503 when the store is down and the policy fails closed. */
export async function enforce(
  env: Env,
  name: PolicyName,
  identifier: string,
  options: { now?: number } = {},
): Promise<void> {
  await enforceAll(env, [{ policy: name, identifier }], options);
}

/** Spends one token like `enforce`, but answers whether it was over instead of throwing 429. */
export async function overLimit(env: Env, name: PolicyName, identifier: string): Promise<boolean> {
  const over = await enforceAll(env, [{ policy: name, identifier, soft: true }]);
  return over.has(name);
}
