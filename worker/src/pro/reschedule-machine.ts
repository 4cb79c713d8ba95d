/**
 * Rescheduling a scheduled session: a small lifecycle beside the invitation's own. One side
 * proposes one to three new times; the other side accepts one (the session moves), declines (the
 * old time stands) or counters with times of its own, back and forth up to MAX_RESCHEDULE_ROUNDS
 * proposals; the proposer may withdraw. When the invitation itself leaves `scheduled` (cancelled,
 * completed) an open proposal is closed. At most one proposal is open at a time.
 */
export const RESCHEDULE_STATES = [
  "open",
  "accepted",
  "declined",
  "withdrawn",
  "countered",
  "closed",
] as const;
export type RescheduleState = (typeof RESCHEDULE_STATES)[number];
export const RESCHEDULE_ACTIONS = ["propose", "accept", "decline", "counter", "withdraw", "close"] as const;
export type RescheduleAction = (typeof RESCHEDULE_ACTIONS)[number];
/** How the actor stands to the open proposal: who made it, who answers it, or the system. */
export type RescheduleRole = "proposer" | "answerer" | "system";

/** Proposals in one negotiation: the first and up to four counters. */
export const MAX_RESCHEDULE_ROUNDS = 5;

interface Rule {
  from: RescheduleState | "none";
  by: RescheduleRole;
  to: RescheduleState;
}

/** `none`: no proposal is open (there may be closed ones before it). */
const RULES: Record<RescheduleAction, Rule[]> = {
  propose: [{ from: "none", by: "proposer", to: "open" }],
  accept: [{ from: "open", by: "answerer", to: "accepted" }],
  decline: [{ from: "open", by: "answerer", to: "declined" }],
  // The countered proposal is closed and the answerer's own opens in the next round.
  counter: [{ from: "open", by: "answerer", to: "countered" }],
  withdraw: [{ from: "open", by: "proposer", to: "withdrawn" }],
  close: [{ from: "open", by: "system", to: "closed" }],
};

export type RescheduleStep =
  | { ok: true; to: RescheduleState; opens: boolean }
  | { ok: false; reason: string; code: "invalid-transition" | "too-many-rounds" };

/**
 * The proposal's state after `action` by `role`, and whether a new proposal opens with it (propose,
 * counter). `round` is the open proposal's round (1 for a first proposal).
 */
export function rescheduleStep(
  from: RescheduleState | "none",
  action: RescheduleAction,
  role: RescheduleRole,
  round = 0,
): RescheduleStep {
  const rule = RULES[action].find((r) => r.from === from && r.by === role);
  if (!rule) {
    const other = RULES[action].find((r) => r.from === from);
    const reason =
      from === "none"
        ? action === "propose"
          ? "Only the two sides of a scheduled session can propose a new time."
          : "No new time is proposed for this session."
        : action === "propose"
          ? "A new time is already proposed; answer or withdraw it first."
          : other
            ? `Only the ${other.by === "answerer" ? "other side" : other.by} can ${action} this proposal.`
            : `This proposal is ${from}.`;
    return { ok: false, reason, code: "invalid-transition" };
  }
  if (action === "counter" && round >= MAX_RESCHEDULE_ROUNDS)
    return {
      ok: false,
      reason: `New times have gone back and forth ${MAX_RESCHEDULE_ROUNDS} times; accept one, decline, or write in the thread.`,
      code: "too-many-rounds",
    };
  return { ok: true, to: rule.to, opens: action === "propose" || action === "counter" };
}

/** The actions open to `role` now; the page shows exactly these. */
export function rescheduleActions(
  from: RescheduleState | "none",
  role: RescheduleRole,
  round = 0,
): RescheduleAction[] {
  return RESCHEDULE_ACTIONS.filter((action) => rescheduleStep(from, action, role, round).ok);
}
