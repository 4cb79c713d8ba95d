import { describe, expect, it } from "vitest";
import { expectProblem, json, signUp } from "../support/http";
import { act, draft, expert, hoursFromNow, page } from "./fixtures";

const MINUTE = 60_000;
const shifted = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MINUTE).toISOString();

/** A whole hour about `hours` from now between 03:00 and 21:00 in Kuala Lumpur, so an hour either side stays that day. */
function midday(hours: number): string {
  const t = hoursFromNow(hours);
  const klHour = (new Date(t).getUTCHours() + 8) % 24;
  return klHour < 3 ? shifted(t, (3 - klHour) * 60) : t;
}

/** A sent invitation to `pro` offering `slots`; returns its id and its slots' ids by start. */
async function sent(pro: { id: string }, slots: string[], durationMinutes = 60) {
  const student = await signUp();
  const id = await draft(student.cookie, pro.id, { slots, durationMinutes });
  expect((await act(student.cookie, id, "send")).status).toBe(200);
  const view = await page(student.cookie, id);
  const slotAt = (iso: string) => view.slots.find((s) => s.startsAt === iso)?.id as string;
  return { id, student, slotAt };
}

describe("accepting a slot that overlaps the expert's other session", () => {
  it("is a 409 that says so; a slot that only touches it, or is clear of it, is fine", async () => {
    const pro = await expert();
    const t = midday(100);
    const first = await sent(pro, [t]);
    // Sent before the first is booked: once it is, the invite form and create refuse such times.
    const second = await sent(pro, [shifted(t, 30), shifted(t, -59), shifted(t, 60)]);
    expect(await json(await act(pro.cookie, first.id, "accept", { slotId: first.slotAt(t) }))).toEqual({
      status: "scheduled",
    });

    for (const overlapping of [shifted(t, 30), shifted(t, -59)]) {
      const problem = (await expectProblem(
        await act(pro.cookie, second.id, "accept", { slotId: second.slotAt(overlapping) }),
        409,
      )) as { detail?: string; code?: string };
      expect(problem.code).toBe("slot-overlaps");
      expect(problem.detail).toMatch(/overlaps/i);
      expect((await page(pro.cookie, second.id)).invitation.status).toBe("sent");
    }
    // Starting exactly when the first one ends does not overlap.
    expect(
      await json(await act(pro.cookie, second.id, "accept", { slotId: second.slotAt(shifted(t, 60)) })),
    ).toEqual({ status: "scheduled" });
  });

  it("a requester accepting the expert's counter-proposed time gets the 409 too, without the other session's details", async () => {
    const pro = await expert();
    const t = midday(130);
    const booked = await sent(pro, [t]);
    // Countered before the other is booked (a counter onto a booked time is refused outright).
    const other = await sent(pro, [hoursFromNow(140)]);
    await json(await act(pro.cookie, other.id, "counter", { slots: [shifted(t, 15)] }));
    await json(await act(pro.cookie, booked.id, "accept", { slotId: booked.slotAt(t) }));

    const offered = (await page(other.student.cookie, other.id)).slots.find((s) => s.current);
    const problem = (await expectProblem(
      await act(other.student.cookie, other.id, "accept", { slotId: offered?.id }),
      409,
    )) as { detail?: string; code?: string };
    expect(problem.code).toBe("slot-overlaps");
    expect(problem.detail).not.toContain("Payments at scale");
  });

  it("of two overlapping slots accepted at the same moment, exactly one is scheduled", async () => {
    const pro = await expert();
    const t = midday(160);
    const a = await sent(pro, [t]);
    const b = await sent(pro, [shifted(t, 20)]);
    const answers = await Promise.all([
      act(pro.cookie, a.id, "accept", { slotId: a.slotAt(t) }),
      act(pro.cookie, b.id, "accept", { slotId: b.slotAt(shifted(t, 20)) }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const states = await Promise.all([page(pro.cookie, a.id), page(pro.cookie, b.id)]);
    expect(states.map((s) => s.invitation.status).sort()).toEqual(["scheduled", "sent"]);
  });
});
