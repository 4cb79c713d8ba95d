import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EventPhase,
  promote,
  RSVP_INTENTS,
  rsvpStep,
} from "../../../worker/src/link/events/rsvp-machine";
import { RSVP_STATUSES, type RsvpStatus } from "../../../worker/src/link/events/schema";

const PHASES: EventPhase[] = ["upcoming", "ended", "cancelled", "completed"];

/**
 * A whole event run through the table: people answer in random order, seats are taken and freed,
 * and the waitlist is promoted after every answer, as the write does in one batch.
 */
describe("the RSVP rules", () => {
  it("over random answers: going never exceeds capacity, the waitlist is used only when full, oldest first", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(
          fc.record({ who: fc.integer({ min: 0, max: 9 }), intent: fc.constantFrom(...RSVP_INTENTS) }),
          {
            maxLength: 60,
          },
        ),
        (capacity, answers) => {
          const status = new Map<number, RsvpStatus>();
          const waitlist: number[] = [];
          const going = () => [...status.values()].filter((s) => s === "going").length;
          for (const { who, intent } of answers) {
            const from = status.get(who) ?? null;
            const result = rsvpStep(from, intent, { phase: "upcoming", seatFree: going() < capacity });
            if (!result.ok) throw new Error("an upcoming event refused an answer");
            expect(RSVP_STATUSES).toContain(result.to);
            // Only "going" ever takes a seat or a waitlist place.
            if (intent !== "going") expect(result.to).toBe(intent);
            // A seat kept is never lost to saying going again; a place kept is never lost either.
            if (intent === "going" && (from === "going" || from === "waitlisted"))
              expect(result.to).toBe(from);
            if (intent === "going" && from !== "going" && from !== "waitlisted")
              expect(result.to).toBe(going() < capacity ? "going" : "waitlisted");
            expect(result.freesSeat).toBe(from === "going" && result.to !== "going");
            status.set(who, result.to);
            if (result.to === "waitlisted" && from !== "waitlisted") waitlist.push(who);
            if (from === "waitlisted" && result.to !== "waitlisted")
              waitlist.splice(waitlist.indexOf(who), 1);
            // The promotion after every answer: free seats to the oldest on the waitlist.
            const moving = promote(capacity, going(), waitlist.length);
            for (const person of waitlist.splice(0, moving)) status.set(person, "going");
            expect(going()).toBeLessThanOrEqual(capacity);
            // Nobody waits while a seat is free.
            if (waitlist.length > 0) expect(going()).toBe(capacity);
            expect([...status.values()].filter((s) => s === "waitlisted").length).toBe(waitlist.length);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a closed event takes no answer, whatever the answer and whoever asks", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PHASES.filter((p) => p !== "upcoming")),
        fc.constantFrom(null, ...RSVP_STATUSES),
        fc.constantFrom(...RSVP_INTENTS),
        fc.boolean(),
        (phase, from, intent, seatFree) => {
          const result = rsvpStep(from, intent, { phase, seatFree });
          expect(result.ok).toBe(false);
        },
      ),
    );
  });

  it("promotes no more than the free seats nor the people waiting", () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(60), fc.nat(50), (capacity, going, waiting) => {
        const n = promote(capacity, going, waiting);
        expect(n).toBeGreaterThanOrEqual(0);
        expect(n).toBeLessThanOrEqual(waiting);
        expect(going + n <= capacity || n === 0).toBe(true);
      }),
    );
    expect(promote(3, 1, 5)).toBe(2);
    expect(promote(3, 3, 5)).toBe(0);
    expect(promote(3, 0, 1)).toBe(1);
  });
});
