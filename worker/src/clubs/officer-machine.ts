import type { OfficerState } from "./schema";

/**
 * The officer-invitation lifecycle in one table. Only the student says yes (accept) or no (decline,
 * leave); the club may take back its ask (withdraw) or its officer (remove); a block, by either
 * side, ends every live tie (the system acts).
 */
export type OfficerParty = "student" | "club" | "system";
export const OFFICER_ACTIONS = ["accept", "decline", "withdraw", "leave", "remove", "block"] as const;
export type OfficerAction = (typeof OFFICER_ACTIONS)[number];

interface Rule {
  from: OfficerState;
  by: OfficerParty;
  to: OfficerState;
}

const RULES: Record<OfficerAction, Rule[]> = {
  accept: [{ from: "pending", by: "student", to: "accepted" }],
  decline: [{ from: "pending", by: "student", to: "declined" }],
  withdraw: [{ from: "pending", by: "club", to: "withdrawn" }],
  leave: [{ from: "accepted", by: "student", to: "left" }],
  remove: [{ from: "accepted", by: "club", to: "removed" }],
  block: [
    { from: "pending", by: "system", to: "blocked" },
    { from: "accepted", by: "system", to: "blocked" },
  ],
};

/** A tie that still holds: asked and waiting, or serving. At most one per club and student. */
export const LIVE: readonly OfficerState[] = ["pending", "accepted"];

export type OfficerStep =
  | { ok: true; to: OfficerState }
  | { ok: false; reason: string /** Someone else may take this action now. */; wrongParty: boolean };

export function officerStep(from: OfficerState, action: OfficerAction, party: OfficerParty): OfficerStep {
  const rules = RULES[action];
  const rule = rules.find((r) => r.from === from && r.by === party);
  if (rule) return { ok: true, to: rule.to };
  const byOther = rules.find((r) => r.from === from);
  return byOther
    ? { ok: false, wrongParty: true, reason: `Only the ${byOther.by} can ${action} this officer invitation.` }
    : {
        ok: false,
        wrongParty: false,
        reason: `An officer invitation that is ${from} cannot be ${DONE[action]}.`,
      };
}

const DONE: Record<OfficerAction, string> = {
  accept: "accepted",
  decline: "declined",
  withdraw: "withdrawn",
  leave: "left",
  remove: "removed",
  block: "ended by a block",
};

/** The states `action` moves from (for set-based writes such as a block's). */
export function fromStates(action: OfficerAction): OfficerState[] {
  return RULES[action].map((r) => r.from);
}

/** The actions `party` may take now; pages show exactly these buttons. */
export function officerActions(from: OfficerState, party: OfficerParty): OfficerAction[] {
  return OFFICER_ACTIONS.filter((action) => RULES[action].some((r) => r.from === from && r.by === party));
}
