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
}

export const POLICIES = {
  loginIp: { tokens: 20, window: "1 m", failClosed: true },
  loginAccount: { tokens: 5, window: "15 m", failClosed: true },
  registerIp: { tokens: 10, window: "1 h", failClosed: true },
  resetAddress: { tokens: 3, window: "1 h", failClosed: true },
  verifyResendAddress: { tokens: 3, window: "1 h", failClosed: true },
  mailIp: { tokens: 20, window: "1 h", failClosed: true },
  avatarUser: { tokens: 20, window: "1 h", failClosed: false },
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
      limiter: Ratelimit.slidingWindow(policy.tokens, policy.window),
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
  if (!outcome.success) throw new RateLimited((outcome.reset - Date.now()) / 1000);
}
