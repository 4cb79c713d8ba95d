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
  counter: [{ from: "sent", by: "expert", to: "countered" }],
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

export type Step = { ok: true; to: InvitationState; path: InvitationState[] } | { ok: false; reason: string };

/** The state after `action` by `party`, with every state passed through, or why it is not allowed. */
export function step(from: InvitationState, action: InvitationAction, party: Party): Step {
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
  if (rule.to === "accepted") return { ok: true, to: "scheduled", path: ["accepted", "scheduled"] };
  return { ok: true, to: rule.to, path: [rule.to] };
}

/** The actions `party` may take now; the web app shows exactly these buttons. */
export function allowedActions(from: InvitationState, party: Party): InvitationAction[] {
  return ACTIONS.filter((action) => RULES[action].some((r) => r.from === from && r.by === party));
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
