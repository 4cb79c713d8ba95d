import { describe, expect, it } from "vitest";
import { call, expectProblem, json, signUp, waitForMail } from "../support/http";
import { act, draft, expert, page } from "./fixtures";
import {
  clubWithOfficer,
  lifecyclePage,
  morning,
  reschedule,
  scheduled,
  shifted,
} from "./lifecycle-fixtures";

describe("rescheduling a scheduled session", () => {
  it("the expert proposes, the requester accepts one: the session moves, the history says so, the other side is told", async () => {
    const { id, pro, student, at } = await scheduled();
    const before = await lifecyclePage(student.cookie, id);
    expect(before.rescheduleActions).toEqual(["propose"]);
    const times = [shifted(at, 24 * 60), shifted(at, 48 * 60)];
    expect(
      await json(await reschedule(pro.cookie, id, null, { slots: times, message: "Conference that day" })),
    ).toEqual({ status: "scheduled", reschedule: "open", scheduledStart: at });
    await waitForMail(student.email, "new times proposed");

    const mine = await lifecyclePage(student.cookie, id);
    expect(mine.reschedule).toMatchObject({
      proposedBy: "expert",
      round: 1,
      roundsLeft: 4,
      message: "Conference that day",
    });
    expect(mine.reschedule?.slots.map((s) => s.startsAt)).toEqual(times);
    expect(mine.rescheduleActions.sort()).toEqual(["accept", "counter", "decline"]);
    expect((await lifecyclePage(pro.cookie, id)).rescheduleActions).toEqual(["withdraw"]);
    // The old time stands until an answer.
    expect(mine.invitation.scheduledStart).toBe(at);

    const chosen = mine.reschedule?.slots[1];
    expect(await json(await reschedule(student.cookie, id, "accept", { slotId: chosen?.id }))).toEqual({
      status: "scheduled",
      reschedule: "accepted",
      scheduledStart: times[1],
    });
    const after = await lifecyclePage(pro.cookie, id);
    expect(after.invitation).toMatchObject({ status: "scheduled", scheduledStart: times[1] });
    expect(after.reschedule).toBeNull();
    expect(after.rescheduleActions).toEqual(["propose"]);
    expect(after.history.slice(-2).map((h) => h.action)).toEqual(["reschedule-propose", "reschedule-accept"]);
    await waitForMail(pro.email, "moved to a new time");
    const notes = await json<{ notifications: { invitationId: string; text: string }[] }>(
      await call("/api/notifications", { cookie: pro.cookie }),
    );
    expect(
      notes.notifications.some((n) => n.invitationId === id && n.text.includes("accepted a new time")),
    ).toBe(true);
  });

  it("decline keeps the old time; withdraw by the proposer; counters go back and forth five rounds, the sixth is 409", async () => {
    const { id, pro, student, at } = await scheduled({ at: morning(110) });
    await json(await reschedule(student.cookie, id, null, { slots: [shifted(at, 60)] }));
    await json(await reschedule(pro.cookie, id, "decline", { message: "That day is full" }));
    const declined = await lifecyclePage(student.cookie, id);
    expect(declined.invitation.scheduledStart).toBe(at);
    expect(declined.reschedule).toBeNull();

    await json(await reschedule(student.cookie, id, null, { slots: [shifted(at, 120)] }));
    // Only the proposer withdraws; only the other side answers.
    await expectProblem(await reschedule(pro.cookie, id, "withdraw"), 409);
    const own = (await lifecyclePage(student.cookie, id)).reschedule?.slots[0];
    const refused = await expectProblem(
      await reschedule(student.cookie, id, "accept", { slotId: own?.id }),
      409,
    );
    expect(refused).toMatchObject({ code: "invalid-transition" });
    await json(await reschedule(student.cookie, id, "withdraw"));
    expect((await lifecyclePage(pro.cookie, id)).reschedule).toBeNull();

    // Five proposals back and forth: round 1 by the student, then four counters.
    await json(await reschedule(student.cookie, id, null, { slots: [shifted(at, 24 * 60)] }));
    const sides = [pro, student, pro, student];
    for (const [i, side] of sides.entries())
      await json(await reschedule(side.cookie, id, "counter", { slots: [shifted(at, (i + 2) * 24 * 60)] }));
    const fifth = await lifecyclePage(pro.cookie, id);
    expect(fifth.reschedule).toMatchObject({ round: 5, roundsLeft: 0, proposedBy: "requester" });
    expect(fifth.rescheduleActions.sort()).toEqual(["accept", "decline"]);
    const tooMany = await expectProblem(
      await reschedule(pro.cookie, id, "counter", { slots: [shifted(at, 7 * 24 * 60)] }),
      409,
    );
    expect(tooMany).toMatchObject({ code: "too-many-rounds" });
    // The history reads in order; the last offer can still be accepted.
    const history = (await lifecyclePage(student.cookie, id)).history.map((h) => h.action);
    expect(history.filter((a) => a === "reschedule-counter")).toHaveLength(4);
    await json(await reschedule(pro.cookie, id, "accept", { slotId: fifth.reschedule?.slots[0]?.id }));
    expect((await page(student.cookie, id)).invitation.scheduledStart).toBe(shifted(at, 5 * 24 * 60));
  });

  it("bad input is 400: no times, four times, a past time, the same time twice, an unknown slot", async () => {
    const { id, pro, at } = await scheduled({ at: morning(120) });
    for (const slots of [
      [],
      [1, 2, 3, 4].map((d) => shifted(at, d * 60)),
      [new Date(Date.now() - 3600_000).toISOString()],
    ])
      await expectProblem(await reschedule(pro.cookie, id, null, { slots }), 400);
    await expectProblem(
      await reschedule(pro.cookie, id, null, { slots: [shifted(at, 60), shifted(at, 60)] }),
      400,
    );
    await expectProblem(await reschedule(pro.cookie, id, null, { slots: [at] }), 400);
    await expectProblem(await reschedule(pro.cookie, id, null, { slots: ["tomorrow"] }), 400);
    await expectProblem(await reschedule(pro.cookie, id, null, {}), 400);
    await json(await reschedule(pro.cookie, id, null, { slots: [shifted(at, 60)] }));
    await expectProblem(await reschedule(pro.cookie, id, "accept", { slotId: "not-a-uuid" }), 400);
  });

  it("who may not: a stranger, an officer or account of another club, the own side answering itself, an unscheduled invitation", async () => {
    const pro = await expert();
    const { club, officer } = await clubWithOfficer("Robotics Club");
    const other = await clubWithOfficer("Chess Club");
    const stranger = await signUp();
    const at = morning(130);
    // Drafted and sent by the officer for the club (an officer's send is the sign-off).
    const { id } = await scheduled({ pro, requester: officer, at, overrides: { requesterId: club.id } });
    const body = { slots: [shifted(at, 60)] };
    for (const outsider of [stranger, other.officer, other.club])
      await expectProblem(await reschedule(outsider.cookie, id, null, body), 404);
    // The club's officer acts for the club's side.
    await json(await reschedule(officer.cookie, id, null, body));
    const offer = (await lifecyclePage(pro.cookie, id)).reschedule?.slots[0];
    for (const outsider of [stranger, other.officer])
      for (const step of ["accept", "decline", "counter", "withdraw"])
        await expectProblem(await reschedule(outsider.cookie, id, step, { slotId: offer?.id, ...body }), 404);
    // The club account itself is the same side as its officer: it cannot answer its own side's proposal.
    await expectProblem(await reschedule(club.cookie, id, "accept", { slotId: offer?.id }), 409);
    await expectProblem(await reschedule(stranger.cookie, crypto.randomUUID(), null, body), 404);
    await expectProblem(await call(`/api/invitations/${id}/reschedule`, { json: body }), 401);

    // Only a scheduled session moves.
    const student = await signUp();
    const sent = await draft(student.cookie, pro.id, { slots: [shifted(at, 5 * 60)] });
    await act(student.cookie, sent, "send");
    const notYet = await expectProblem(await reschedule(student.cookie, sent, null, body), 409);
    expect(notYet).toMatchObject({ code: "cannot-move" });
  });

  it("stale concurrent steps: of two answers, or two proposals, exactly one applies", async () => {
    const { id, pro, student, at } = await scheduled({ at: morning(150) });
    const both = await Promise.all([
      reschedule(pro.cookie, id, null, { slots: [shifted(at, 60)] }),
      reschedule(student.cookie, id, null, { slots: [shifted(at, 120)] }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const open = await lifecyclePage(pro.cookie, id);
    const answerer = open.reschedule?.proposedBy === "expert" ? student : pro;
    const proposer = answerer === pro ? student : pro;
    const answers = await Promise.all([
      reschedule(answerer.cookie, id, "accept", { slotId: open.reschedule?.slots[0]?.id }),
      reschedule(proposer.cookie, id, "withdraw"),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const history = (await lifecyclePage(pro.cookie, id)).history.map((h) => h.action);
    expect(history.filter((a) => a === "reschedule-accept" || a === "reschedule-withdraw")).toHaveLength(1);
  });

  it("overlap: a proposed time the expert is booked at is 409 with the reason; an accept that became an overlap too", async () => {
    const pro = await expert();
    const t = morning(170);
    const a = await scheduled({ pro, at: t });
    const b = await scheduled({ pro, at: shifted(t, 3 * 60) });
    // Proposing a time over the expert's other session: refused with the reason, no details of it to the requester.
    const refused = (await expectProblem(
      await reschedule(b.student.cookie, b.id, null, { slots: [shifted(t, 30)] }),
      409,
    )) as { code?: string; detail?: string };
    expect(refused.code).toBe("slot-overlaps");
    expect(refused.detail).toMatch(/already has a session/);
    expect(refused.detail).not.toContain("Payments at scale");
    // Both proposals open at once, onto the same free hour: the first accepted wins, the second overlaps.
    const free = shifted(t, 6 * 60);
    await json(await reschedule(a.student.cookie, a.id, null, { slots: [free] }));
    await json(await reschedule(b.student.cookie, b.id, null, { slots: [shifted(free, 30)] }));
    const offerA = (await lifecyclePage(pro.cookie, a.id)).reschedule?.slots[0];
    const offerB = (await lifecyclePage(pro.cookie, b.id)).reschedule?.slots[0];
    await json(await reschedule(pro.cookie, a.id, "accept", { slotId: offerA?.id }));
    const clash = (await expectProblem(
      await reschedule(pro.cookie, b.id, "accept", { slotId: offerB?.id }),
      409,
    )) as {
      code?: string;
      detail?: string;
    };
    expect(clash.code).toBe("slot-overlaps");
    // The expert is told which of their sessions is in the way.
    expect(clash.detail).toContain("Payments at scale");
    expect((await lifecyclePage(pro.cookie, b.id)).invitation.scheduledStart).toBe(shifted(t, 3 * 60));
  });

  it("cancelling the session closes its open proposal", async () => {
    const { id, pro, student, at } = await scheduled({ at: morning(190) });
    await json(await reschedule(pro.cookie, id, null, { slots: [shifted(at, 60)] }));
    expect((await act(student.cookie, id, "cancel")).status).toBe(200);
    const closed = await lifecyclePage(pro.cookie, id);
    expect(closed.reschedule).toBeNull();
    expect(closed.rescheduleActions).toEqual([]);
    await expectProblem(await reschedule(student.cookie, id, "accept", { slotId: crypto.randomUUID() }), 409);
  });
});
