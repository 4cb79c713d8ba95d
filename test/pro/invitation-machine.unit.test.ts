import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  allowedActions,
  MAX_COUNTERS,
  type Party,
  step,
  TERMINAL,
} from "../../worker/src/pro/invitation-machine";
import { INVITATION_STATES, type InvitationState } from "../../worker/src/pro/schema";

const PARTIES: Party[] = ["requester", "expert", "system"];
/** Who each action belongs to, by the product's rules; the machine must never let anyone else act. */
const OWNER: Record<string, Party[]> = {
  send: ["requester"],
  counter: ["expert", "requester"],
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
          let counters = 0;
          for (const { action, party } of moves) {
            const result = step(state, action, party, counters);
            expect(allowedActions(state, party, counters).includes(action)).toBe(result.ok);
            if (!result.ok) {
              if (result.code === "too-many-rounds") expect(counters).toBe(MAX_COUNTERS);
              continue;
            }
            expect(INVITATION_STATES).toContain(result.to);
            expect(TERMINAL.has(state)).toBe(false);
            const owners = OWNER[action];
            if (owners) expect(owners).toContain(party);
            if (action === "accept" || action === "decline") {
              // The side that received the latest proposal answers it.
              expect(party).toBe(state === "sent" ? "expert" : "requester");
            }
            if (party === "system") expect(action).toBe("expire");
            if (action === "counter") {
              // Counters alternate: the side that received the latest proposal answers with others.
              expect(party).toBe(state === "sent" ? "expert" : "requester");
              counters += 1;
              expect(counters).toBeLessThanOrEqual(MAX_COUNTERS);
            }
            state = result.to;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("counters go back and forth five times; the sixth is too many", () => {
    let state: InvitationState = "sent";
    for (let counters = 0; counters < MAX_COUNTERS; counters++) {
      const party = state === "sent" ? "expert" : "requester";
      const result = step(state, "counter", party, counters);
      if (!result.ok) throw new Error(result.reason);
      expect(result.to).toBe(party === "expert" ? "countered" : "sent");
      state = result.to;
    }
    const party = state === "sent" ? "expert" : "requester";
    expect(step(state, "counter", party, MAX_COUNTERS)).toMatchObject({ ok: false, code: "too-many-rounds" });
    expect(allowedActions(state, party, MAX_COUNTERS)).not.toContain("counter");
    expect(allowedActions(state, party, MAX_COUNTERS)).toContain("accept");
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
