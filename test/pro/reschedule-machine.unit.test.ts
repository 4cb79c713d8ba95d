import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_RESCHEDULE_ROUNDS,
  RESCHEDULE_ACTIONS,
  RESCHEDULE_STATES,
  type RescheduleRole,
  type RescheduleState,
  rescheduleActions,
  rescheduleStep,
} from "../../worker/src/pro/reschedule-machine";

type Side = "requester" | "expert";

/**
 * A model of one invitation's proposals: random steps by random sides, played through the machine
 * as the service does (the actor's role follows from who proposed the open one).
 */
describe("the reschedule machine", () => {
  it("over random sequences: at most one open proposal, only the other side answers, rounds bounded", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            action: fc.constantFrom(...RESCHEDULE_ACTIONS),
            side: fc.constantFrom<Side | "system">("requester", "expert", "system"),
          }),
          { maxLength: 60 },
        ),
        (moves) => {
          let open: { by: Side; round: number } | null = null;
          for (const { action, side } of moves) {
            const role: RescheduleRole =
              side === "system"
                ? "system"
                : action === "propose" || open?.by === side
                  ? "proposer"
                  : "answerer";
            const from: RescheduleState | "none" = open ? "open" : "none";
            const result = rescheduleStep(from, action, role, open?.round ?? 0);
            expect(rescheduleActions(from, role, open?.round ?? 0).includes(action)).toBe(result.ok);
            if (!result.ok) {
              if (result.code === "too-many-rounds") expect(open?.round).toBe(MAX_RESCHEDULE_ROUNDS);
              continue;
            }
            expect(RESCHEDULE_STATES).toContain(result.to);
            if (action === "propose") {
              // Never a second open proposal.
              expect(open).toBeNull();
              expect(side).not.toBe("system");
              open = { by: side as Side, round: 1 };
              continue;
            }
            // Everything else acts on an open proposal.
            expect(open).not.toBeNull();
            const current = open as { by: Side; round: number };
            if (action === "accept" || action === "decline" || action === "counter")
              expect(side).not.toBe(current.by);
            if (action === "withdraw") expect(side).toBe(current.by);
            if (action === "close") expect(side).toBe("system");
            expect(result.opens).toBe(action === "counter");
            open = action === "counter" ? { by: side as Side, round: current.round + 1 } : null;
            if (open) expect(open.round).toBeLessThanOrEqual(MAX_RESCHEDULE_ROUNDS);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("a proposal can be countered back and forth until round five, then only answered", () => {
    let round = 1;
    while (round < MAX_RESCHEDULE_ROUNDS) {
      expect(rescheduleStep("open", "counter", "answerer", round)).toEqual({
        ok: true,
        to: "countered",
        opens: true,
      });
      round += 1;
    }
    expect(rescheduleStep("open", "counter", "answerer", round)).toMatchObject({
      ok: false,
      code: "too-many-rounds",
    });
    expect(rescheduleActions("open", "answerer", round).sort()).toEqual(["accept", "decline"]);
    expect(rescheduleActions("open", "proposer", round)).toEqual(["withdraw"]);
  });

  it("refuses with reasons: a second proposal, an answer to nothing, the proposer answering itself", () => {
    expect(rescheduleStep("open", "propose", "proposer")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/already proposed/),
    });
    expect(rescheduleStep("none", "accept", "answerer")).toMatchObject({
      ok: false,
      code: "invalid-transition",
    });
    expect(rescheduleStep("open", "accept", "proposer", 1)).toMatchObject({
      ok: false,
      reason: "Only the other side can accept this proposal.",
    });
    expect(rescheduleActions("none", "proposer")).toEqual(["propose"]);
    expect(rescheduleActions("none", "system")).toEqual([]);
  });
});
