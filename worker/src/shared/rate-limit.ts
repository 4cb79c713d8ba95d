import { Ratelimit } from "@upstash/ratelimit";
import { redisClient } from "../adapters/store/upstash";
import type { Env } from "../env";
import { RateLimited, ServiceUnavailable } from "./errors";

type Window = Parameters<typeof Ratelimit.slidingWindow>[1];
interface Policy {
  tokens: number;
  window: Window;
  /** Costly endpoints refuse service when the limiter's store is down; cheap ones let requests through. */
  failClosed: boolean;
  /**
   * `sliding` (default) smooths across window edges but only estimates there; `bucket` holds
   * `tokens`, all refilled once per window (so two bursts around a refill pass 2 × tokens);
   * `log` keeps every accepted request's time: exactly `tokens` in ANY window-long span.
   */
  algorithm?: "sliding" | "bucket" | "log";
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

/**
 * Blocked identifiers are remembered per isolate, so a client already known to be over its limit
 * costs no store call until its window resets.
 */
const ephemeralCache = new Map<string, number>();
const limiters = new Map<string, Ratelimit>();

function limiterFor(env: Env, name: PolicyName): Ratelimit {
  const key = `${env.UPSTASH_REDIS_REST_URL}|${name}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    const policy: Policy = POLICIES[name];
    limiter = new Ratelimit({
      redis: redisClient(env),
      limiter:
        policy.algorithm === "bucket"
          ? Ratelimit.tokenBucket(policy.tokens, policy.window, policy.tokens)
          : Ratelimit.slidingWindow(policy.tokens, policy.window),
      prefix: `rl:${name}`,
      ephemeralCache,
      // 0 turns off the library's "allow on timeout" so that we decide, per policy, what an outage means.
      timeout: 0,
      analytics: false,
    });
    limiters.set(key, limiter);
  }
  return limiter;
}

/**
 * Exact sliding log: a sorted set of accepted request times per key, trimmed, counted and added to
 * in one script so concurrent requests cannot both take the last slot. The caller supplies `now`,
 * so tests can place requests either side of a window's edge.
 * Returns {1, 0} when accepted, {0, ms until the oldest entry leaves the window} when not.
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

const UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
function windowMs(window: Window): number {
  const [amount, unit] = String(window).split(" ");
  return Number(amount) * UNITS_MS[unit as keyof typeof UNITS_MS];
}

/** Per isolate, like the library's cache: key → when its block ends (ms, on the caller's clock). */
const blockedUntil = new Map<string, number>();

async function spendLog(env: Env, name: PolicyName, identifier: string, now: number): Promise<number> {
  const policy: Policy = POLICIES[name];
  // Its own prefix: the token bucket this replaced left hashes under `rl:<name>:<id>` (WRONGTYPE).
  const key = `rl:log:${name}:${identifier}`;
  const until = blockedUntil.get(key);
  if (until !== undefined) {
    if (until > now) return until - now;
    blockedUntil.delete(key);
  }
  const window = windowMs(policy.window);
  const [accepted, retryMs] = (await redisClient(env).eval(
    SLIDING_LOG,
    [key],
    [String(now), String(window), String(policy.tokens), `${now}:${crypto.randomUUID()}`],
  )) as [number, number];
  if (accepted === 1) return 0;
  blockedUntil.set(key, now + retryMs);
  return retryMs;
}

/** Spends one token of `name` for `identifier`; throws 429 when over, 503 when the store is down and the policy fails closed. */
export async function enforce(
  env: Env,
  name: PolicyName,
  identifier: string,
  { now = Date.now() }: { now?: number } = {},
): Promise<void> {
  const policy: Policy = POLICIES[name];
  // How long until the caller may try again; null when the request is accepted.
  let retryMs: number | null;
  try {
    if (policy.algorithm === "log") {
      const wait = await spendLog(env, name, identifier.toLowerCase(), now);
      retryMs = wait > 0 ? wait : null;
    } else {
      const outcome = await limiterFor(env, name).limit(identifier.toLowerCase());
      retryMs = outcome.success ? null : outcome.reset - now;
    }
  } catch {
    if (policy.failClosed) {
      throw new ServiceUnavailable("Rate limiting is unavailable; try again shortly.", 30);
    }
    return;
  }
  if (retryMs !== null) throw new RateLimited(retryMs / 1000, policy.code);
}

/** Spends one token like `enforce`, but answers whether it was over instead of throwing 429. */
export async function overLimit(env: Env, name: PolicyName, identifier: string): Promise<boolean> {
  try {
    await enforce(env, name, identifier);
    return false;
  } catch (error) {
    if (error instanceof RateLimited) return true;
    throw error;
  }
}
