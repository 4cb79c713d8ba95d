import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LIVE,
  OFFICER_ACTIONS,
  type OfficerParty,
  officerActions,
  officerStep,
} from "../../worker/src/clubs/officer-machine";
import { OFFICER_STATES, type OfficerState } from "../../worker/src/clubs/schema";

const PARTIES: OfficerParty[] = ["student", "club", "system"];
/** Who each action belongs to, by the product's rules: only the student ever says yes. */
const OWNER: Record<string, OfficerParty> = {
  accept: "student",
  decline: "student",
  leave: "student",
  withdraw: "club",
  remove: "club",
  block: "system",
};

describe("the officer invitation state machine", () => {
  it("over random sequences: only the student makes an office, an ended tie never comes back", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ action: fc.constantFrom(...OFFICER_ACTIONS), party: fc.constantFrom(...PARTIES) }),
          { maxLength: 30 },
        ),
        (moves) => {
          let state: OfficerState = "pending";
          for (const { action, party } of moves) {
            const result = officerStep(state, action, party);
            if (!result.ok) {
              expect(officerActions(state, party)).not.toContain(action);
              continue;
            }
            expect(OFFICER_STATES).toContain(result.to);
            expect(LIVE).toContain(state);
            expect(OWNER[action]).toBe(party);
            if (result.to === "accepted") expect(party).toBe("student");
            state = result.to;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("a block ends a pending or a serving tie; the wrong party is told who may act", () => {
    expect(officerStep("pending", "block", "system")).toEqual({ ok: true, to: "blocked" });
    expect(officerStep("accepted", "block", "system")).toEqual({ ok: true, to: "blocked" });
    expect(officerStep("pending", "accept", "club")).toMatchObject({ ok: false, wrongParty: true });
    expect(officerStep("declined", "accept", "student")).toEqual({
      ok: false,
      wrongParty: false,
      reason: "An officer invitation that is declined cannot be accepted.",
    });
    expect(officerActions("pending", "student")).toEqual(["accept", "decline"]);
    expect(officerActions("accepted", "club")).toEqual(["remove"]);
  });
});
