import { describe, expect, it } from "vitest";
import { call, expectProblem, json, signUp } from "../support/http";
import { act, draft, expert, invitationBody, page } from "./fixtures";
import { lifecyclePage, morning, reschedule, scheduled, shifted } from "./lifecycle-fixtures";

/** A hostile requester against the expert's consent to be named (issue 14). */
describe("the expert's consent when the requester accepts the expert's counter", () => {
  it("an expert who countered with namePublicly false is not named once the requester accepts", async () => {
    const pro = await expert();
    const student = await signUp();
    const at = morning(170);
    const id = await draft(student.cookie, pro.id, { slots: [at] });
    await act(student.cookie, id, "send");
    await json(await act(pro.cookie, id, "counter", { slots: [shifted(at, 24 * 60)], namePublicly: false }));
    const offered = (await page(student.cookie, id)).slots.find(
      (s) => s.current && s.proposedBy === "expert",
    );
    await json(await act(student.cookie, id, "accept", { slotId: offered?.id }));
    const seen = await lifecyclePage(student.cookie, id);
    expect(seen.invitation.status).toBe("scheduled");
    expect(seen.expertNamedPublicly).toBe(false);
  });

  it("the requester's namePublicly is ignored: only the expert says whether they are named", async () => {
    const pro = await expert();
    const student = await signUp();
    const at = morning(175);
    const id = await draft(student.cookie, pro.id, { slots: [at] });
    await act(student.cookie, id, "send");
    await json(await act(pro.cookie, id, "counter", { slots: [shifted(at, 24 * 60)], namePublicly: false }));
    const offered = (await page(student.cookie, id)).slots.find(
      (s) => s.current && s.proposedBy === "expert",
    );
    await json(await act(student.cookie, id, "accept", { slotId: offered?.id, namePublicly: true }));
    expect((await lifecyclePage(student.cookie, id)).expertNamedPublicly).toBe(false);
  });
});

function setLink(cookie: string, id: string, url: unknown) {
  return call(`/api/invitations/${id}/meeting-link`, { method: "PATCH", cookie, json: { url } });
}

/** Every change that mails the other side is a way to flood their inbox unless it has a budget. */
describe("a side cannot flood the other with session changes", () => {
  it("meeting-link changes and reschedule proposals share a daily budget per account: 20, then 429", async () => {
    const { id, pro, student, at } = await scheduled({ at: morning(190) });
    for (let i = 0; i < 10; i++) {
      expect((await setLink(student.cookie, id, `https://meet.example.com/${i}`)).status).toBe(200);
      expect(
        (await reschedule(student.cookie, id, null, { slots: [shifted(at, 60 * (i + 2))] })).status,
      ).toBe(200);
      expect((await reschedule(student.cookie, id, "withdraw")).status).toBe(200);
    }
    const over = await setLink(student.cookie, id, "https://meet.example.com/over");
    expect(await expectProblem(over, 429)).toMatchObject({ code: "session-changes" });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    const proposal = await reschedule(student.cookie, id, null, { slots: [shifted(at, 24 * 60)] });
    expect(await expectProblem(proposal, 429)).toMatchObject({ code: "session-changes" });
    // The budget is the account's: the other side still acts, and the link stays as last set.
    expect((await setLink(pro.cookie, id, "https://meet.example.com/pro")).status).toBe(200);
    expect((await lifecyclePage(student.cookie, id)).meetingLink).toBe("https://meet.example.com/pro");
  });

  it("a stranger hitting the meeting link learns nothing and spends nothing: 404 before any budget", async () => {
    const { id } = await scheduled({ at: morning(200) });
    const stranger = await signUp();
    for (let i = 0; i < 25; i++)
      await expectProblem(await setLink(stranger.cookie, id, `https://meet.example.com/${i}`), 404);
  });
});

describe("times in year 9999", () => {
  it("a proposal, a counter or a reschedule more than two years ahead is 400: no session that never ends, no broken calendar file", async () => {
    const far = "9999-12-31T23:30:00Z";
    const pro = await expert();
    const student = await signUp();
    const at = morning(210);
    const created = await call("/api/invitations", {
      cookie: student.cookie,
      json: invitationBody(pro.id, { slots: [far] }),
    });
    expect(await expectProblem(created, 400)).toMatchObject({ field: "slots" });
    const id = await draft(student.cookie, pro.id, { slots: [at] });
    await act(student.cookie, id, "send");
    expect(await expectProblem(await act(pro.cookie, id, "counter", { slots: [far] }), 400)).toMatchObject({
      field: "slots",
    });
    const slot = (await page(pro.cookie, id)).slots[0];
    await json(await act(pro.cookie, id, "accept", { slotId: slot?.id }));
    expect(
      await expectProblem(await reschedule(student.cookie, id, null, { slots: [far] }), 400),
    ).toMatchObject({ field: "slots" });
    // Within the horizon all is as before.
    expect((await reschedule(student.cookie, id, null, { slots: [shifted(at, 24 * 60)] })).status).toBe(200);
  });
});
