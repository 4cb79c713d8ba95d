import { Ratelimit } from "@upstash/ratelimit";
import { createMiddleware } from "hono/factory";
import { redisClient } from "../adapters/store/upstash";
import type { AppEnv, Env } from "../env";
import { clientIp } from "./context";
import { RateLimited, ServiceUnavailable } from "./errors";

type Window = Parameters<typeof Ratelimit.slidingWindow>[1];
interface Policy {
  tokens: number;
  window: Window;
  /** Costly endpoints refuse service when the limiter's store is down; cheap ones let requests through. */
  failClosed: boolean;
  /**
   * `sliding` (default) smooths across window edges but only estimates there; `bucket` holds
   * exactly `tokens`, all refilled once per window: "exactly 5 a minute", even for a burst at an edge.
   */
  algorithm?: "sliding" | "bucket";
  /** Named in the 429 body so the page can say which limit was hit. */
  code?: string;
}

export const POLICIES = {
  loginIp: { tokens: 20, window: "1 m", failClosed: true },
  loginAccount: { tokens: 5, window: "15 m", failClosed: true },
  registerIp: { tokens: 10, window: "1 h", failClosed: true },
  resetAddress: { tokens: 3, window: "1 h", failClosed: true },
  verifyResendAddress: { tokens: 3, window: "1 h", failClosed: true },
  mailIp: { tokens: 20, window: "1 h", failClosed: true },
  avatarUser: { tokens: 20, window: "1 h", failClosed: false },
  draftIp: { tokens: 5, window: "1 m", failClosed: true, algorithm: "bucket", code: "ip-limit" },
  draftAccount: { tokens: 30, window: "1 d", failClosed: true, code: "daily-quota" },
  messageRequestUser: { tokens: 20, window: "1 d", failClosed: false, code: "message-requests" },
  commentUser: { tokens: 60, window: "1 h", failClosed: false, code: "comments" },
  noteUser: { tokens: 20, window: "1 h", failClosed: false, code: "notes" },
  reportUser: { tokens: 30, window: "1 h", failClosed: false, code: "reports" },
  officerInviteClub: { tokens: 30, window: "1 d", failClosed: false, code: "officer-invitations" },
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

/** Spends one token of `name` for `identifier`; throws 429 when over, 503 when the store is down and the policy fails closed. */
export async function enforce(env: Env, name: PolicyName, identifier: string): Promise<void> {
  let outcome: Awaited<ReturnType<Ratelimit["limit"]>>;
  try {
    outcome = await limiterFor(env, name).limit(identifier.toLowerCase());
  } catch {
    if (POLICIES[name].failClosed) {
      throw new ServiceUnavailable("Rate limiting is unavailable; try again shortly.", 30);
    }
    return;
  }
  const policy: Policy = POLICIES[name];
  if (!outcome.success) throw new RateLimited((outcome.reset - Date.now()) / 1000, policy.code);
}

/** Route middleware: spends one token of `name` for the client's IP before anything else runs. */
export function limitByIp(name: PolicyName) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await enforce(c.env, name, clientIp(c.req.raw));
    await next();
  });
}
