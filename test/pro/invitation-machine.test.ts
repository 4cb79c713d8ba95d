import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACTIONS, allowedActions, type Party, step, TERMINAL } from "../../worker/src/pro/invitation-machine";
import { INVITATION_STATES, type InvitationState } from "../../worker/src/pro/schema";

const PARTIES: Party[] = ["requester", "expert", "system"];
/** Who each action belongs to, by the product's rules; the machine must never let anyone else act. */
const OWNER: Record<string, Party[]> = {
  send: ["requester"],
  counter: ["expert"],
  expire: ["system"],
  complete: ["requester", "expert"],
};

describe("the invitation state machine", () => {
  it("over random sequences: never an invalid state, never a transition by the wrong party", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ action: fc.constantFrom(...ACTIONS), party: fc.constantFrom(...PARTIES) }), {
          maxLength: 40,
        }),
        (moves) => {
          let state: InvitationState = "draft";
          for (const { action, party } of moves) {
            const result = step(state, action, party);
            if (!result.ok) continue;
            expect(INVITATION_STATES).toContain(result.to);
            expect(TERMINAL.has(state)).toBe(false);
            const owners = OWNER[action];
            if (owners) expect(owners).toContain(party);
            if (action === "accept" || action === "decline") {
              // The side that received the latest proposal answers it.
              expect(party).toBe(state === "sent" ? "expert" : "requester");
            }
            if (party === "system") expect(action).toBe("expire");
            expect(allowedActions(state, party)).toContain(action);
            state = result.to;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("accepting schedules through accepted", () => {
    expect(step("sent", "accept", "expert")).toEqual({
      ok: true,
      to: "scheduled",
      path: ["accepted", "scheduled"],
    });
    expect(step("countered", "accept", "requester")).toEqual({
      ok: true,
      to: "scheduled",
      path: ["accepted", "scheduled"],
    });
  });

  it("refuses with a reason naming who may act", () => {
    expect(step("sent", "accept", "requester")).toEqual({
      ok: false,
      reason: "Only the expert can accept an invitation that is sent.",
    });
    expect(step("completed", "cancel", "requester")).toMatchObject({ ok: false });
    for (const state of TERMINAL)
      for (const party of PARTIES) expect(allowedActions(state, party)).toEqual([]);
  });
});
