import type { InvitationState } from "./schema";

/** Which side of an invitation acts. A club's officers act as its requester. */
export type Party = "requester" | "expert" | "system";
export const ACTIONS = ["send", "accept", "decline", "counter", "cancel", "complete", "expire"] as const;
export type InvitationAction = (typeof ACTIONS)[number];

interface Rule {
  from: InvitationState;
  by: Party;
  to: InvitationState;
}

/**
 * Every allowed transition. Accepting fixes a slot, so an accepted invitation is scheduled at
 * once: the history records accepted → scheduled, and the stored state is scheduled.
 */
const RULES: Record<InvitationAction, Rule[]> = {
  send: [{ from: "draft", by: "requester", to: "sent" }],
  accept: [
    { from: "sent", by: "expert", to: "accepted" },
    { from: "countered", by: "requester", to: "accepted" },
  ],
  decline: [
    { from: "sent", by: "expert", to: "declined" },
    { from: "countered", by: "requester", to: "declined" },
  ],
  // Counter-offers go back and forth: the expert answers a proposal with other times, the requester
  // may answer those with others again (back to sent, the expert to answer), up to MAX_COUNTERS.
  counter: [
    { from: "sent", by: "expert", to: "countered" },
    { from: "countered", by: "requester", to: "sent" },
  ],
  cancel: [
    { from: "draft", by: "requester", to: "cancelled" },
    { from: "sent", by: "requester", to: "cancelled" },
    { from: "countered", by: "requester", to: "cancelled" },
    { from: "scheduled", by: "requester", to: "cancelled" },
    { from: "scheduled", by: "expert", to: "cancelled" },
  ],
  complete: [
    { from: "scheduled", by: "requester", to: "completed" },
    { from: "scheduled", by: "expert", to: "completed" },
  ],
  expire: [
    { from: "sent", by: "system", to: "expired" },
    { from: "countered", by: "system", to: "expired" },
  ],
};

export const TERMINAL: ReadonlySet<InvitationState> = new Set([
  "declined",
  "completed",
  "cancelled",
  "expired",
]);

/** Counter-proposals per invitation (rounds 1–5 of its slots; round 0 is the first proposal). */
export const MAX_COUNTERS = 5;

export type Step =
  | { ok: true; to: InvitationState; path: InvitationState[] }
  | { ok: false; reason: string; code?: "too-many-rounds" };

/**
 * The state after `action` by `party`, with every state passed through, or why it is not allowed.
 * `counters` is how many counter-proposals the invitation has had; the sixth is refused.
 */
export function step(from: InvitationState, action: InvitationAction, party: Party, counters = 0): Step {
  const rules = RULES[action];
  const rule = rules.find((r) => r.from === from && r.by === party);
  if (!rule) {
    const byOther = rules.find((r) => r.from === from);
    return {
      ok: false,
      reason: byOther
        ? `Only the ${byOther.by} can ${action} an invitation that is ${from}.`
        : `A ${from} invitation cannot be ${pastTense(action)}.`,
    };
  }
  if (action === "counter" && counters >= MAX_COUNTERS)
    return {
      ok: false,
      reason: `Times have been proposed back and forth ${MAX_COUNTERS} times; accept one, decline, or write in the thread.`,
      code: "too-many-rounds",
    };
  if (rule.to === "accepted") return { ok: true, to: "scheduled", path: ["accepted", "scheduled"] };
  return { ok: true, to: rule.to, path: [rule.to] };
}

/** The actions `party` may take now; the web app shows exactly these buttons. */
export function allowedActions(from: InvitationState, party: Party, counters = 0): InvitationAction[] {
  return ACTIONS.filter((action) => step(from, action, party, counters).ok);
}

function pastTense(action: InvitationAction): string {
  const words: Record<InvitationAction, string> = {
    send: "sent",
    accept: "accepted",
    decline: "declined",
    counter: "countered",
    cancel: "cancelled",
    complete: "completed",
    expire: "expired",
  };
  return words[action];
}
