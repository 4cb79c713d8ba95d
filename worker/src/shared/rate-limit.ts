import type { KeyValueStore, LimitCheck } from "../adapters/store/interface";
import { upstashStore } from "../adapters/store/upstash";
import type { Env } from "../env";
import { RateLimited, ServiceUnavailable } from "./errors";

type Unit = "ms" | "s" | "m" | "h" | "d";
type Window = `${number} ${Unit}`;
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
  /** Counted and spent while under, but never refuses: over, it switches on the spends that name it. */
  soft?: boolean;
  /** Enforced only when this soft spend (of the same call) is over its limit. */
  onlyIfOver?: PolicyName;
}

const UNITS_MS: Record<Unit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
function windowMs(window: Window): number {
  const [amount, unit] = window.split(" ");
  return Number(amount) * UNITS_MS[unit as Unit];
}

/** The store's check for one spend; its keys are the ones @upstash/ratelimit used (sliding) or the log's own. */
function checkOf(spend: Spend, spends: Spend[], now: number): LimitCheck {
  const policy: Policy = POLICIES[spend.policy];
  const window = windowMs(policy.window);
  const id = spend.identifier.toLowerCase();
  const gate = spend.onlyIfOver ? spends.findIndex((s) => s.policy === spend.onlyIfOver && s.soft) : -1;
  if (spend.onlyIfOver && gate < 0)
    throw new Error(`${spend.policy} depends on a soft ${spend.onlyIfOver} spend`);
  const when = spend.soft ? "soft" : gate >= 0 ? gate + 1 : "always";
  if (policy.algorithm === "log") {
    // Its own prefix: the token bucket the log replaced left hashes under `rl:<name>:<id>` (WRONGTYPE).
    const member = `${now}:${crypto.randomUUID()}`;
    return {
      algorithm: "log",
      key: `rl:log:${spend.policy}:${id}`,
      tokens: policy.tokens,
      windowMs: window,
      when,
      member,
    };
  }
  const current = Math.floor(now / window);
  return {
    algorithm: "sliding",
    key: `rl:${spend.policy}:${id}:${current}`,
    previousKey: `rl:${spend.policy}:${id}:${current - 1}`,
    tokens: policy.tokens,
    windowMs: window,
    when,
  };
}

/**
 * Per isolate: a limit key → when its block ends (ms, on the caller's clock). A caller known to be
 * over a limit is refused from here, with no store call, until then. A log's block ends when its
 * oldest entry leaves the window; a sliding window's when its window does (the estimate may still
 * be over then: the next call asks the store).
 */
const blockedUntil = new Map<string, number>();
/** Bounds the map in a long-lived isolate: past this, ended blocks are dropped, then the oldest. */
const MAX_BLOCKED = 10_000;

function remember(key: string, until: number, now: number) {
  if (blockedUntil.size >= MAX_BLOCKED) {
    for (const [k, end] of blockedUntil) if (end <= now) blockedUntil.delete(k);
    for (const k of blockedUntil.keys()) {
      if (blockedUntil.size < MAX_BLOCKED) break;
      blockedUntil.delete(k);
    }
  }
  blockedUntil.set(key, until);
}

/** What one call decided: the enforced spend that refused it (the longest wait), and which soft spends were over. */
export interface LimitDecision {
  refused: { policy: PolicyName; retryMs: number } | null;
  over: Set<PolicyName>;
  /** Store round trips made: 0 when a known block refused it, else 1. */
  roundTrips: number;
}

/**
 * Spends one token of every spend that applies, or none when any enforced one is over: one store
 * round trip for all of them (a script on Upstash), none when a key of the call is already known to
 * be blocked. Throws when the store fails (the caller decides what an outage means).
 */
export async function limitWith(store: KeyValueStore, spends: Spend[], now: number): Promise<LimitDecision> {
  const checks = spends.map((spend) => checkOf(spend, spends, now));
  let known: { policy: PolicyName; retryMs: number } | null = null;
  for (const [i, check] of checks.entries()) {
    const until = blockedUntil.get(check.key);
    if (until === undefined) continue;
    if (until <= now) {
      blockedUntil.delete(check.key);
      continue;
    }
    // Only an enforced spend's block refuses; a soft one's never did.
    const spend = spends[i];
    if (spend && check.when === "always" && (!known || until - now > known.retryMs))
      known = { policy: spend.policy, retryMs: until - now };
  }
  if (known) return { refused: known, over: new Set(), roundTrips: 0 };

  const outcomes = await store.limit(checks, now);
  let refused: LimitDecision["refused"] = null;
  const over = new Set<PolicyName>();
  for (const [i, outcome] of outcomes.entries()) {
    const spend = spends[i];
    const check = checks[i];
    if (!spend || !check || !outcome.over) continue;
    if (check.when === "soft") {
      over.add(spend.policy);
      continue;
    }
    remember(check.key, now + outcome.retryMs, now);
    if (!refused || outcome.retryMs > refused.retryMs)
      refused = { policy: spend.policy, retryMs: outcome.retryMs };
  }
  return { refused, over, roundTrips: 1 };
}

/**
 * Spends one token of each of `spends` in one store round trip (none for a caller already known to
 * be blocked); throws 429 with Retry-After when an enforced one is over (nothing is spent then), 503
 * when the store is down and any of them fails closed. Returns the soft spends that were over.
 */
export async function enforceAll(
  env: Env,
  spends: Spend[],
  { now = Date.now() }: { now?: number } = {},
): Promise<Set<PolicyName>> {
  let decision: LimitDecision;
  try {
    decision = await limitWith(upstashStore(env), spends, now);
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
