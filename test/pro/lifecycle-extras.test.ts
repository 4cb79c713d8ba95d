import { describe, expect, it } from "vitest";
import { call, expectProblem, json, signUp } from "../support/http";
import { act, draft, expert, page } from "./fixtures";
import {
  clubWithOfficer,
  lifecyclePage,
  morning,
  reschedule,
  scheduled,
  shifted,
} from "./lifecycle-fixtures";

const DAY = 86_400_000;

function setLink(cookie: string, id: string, url: unknown) {
  return call(`/api/invitations/${id}/meeting-link`, { method: "PATCH", cookie, json: { url } });
}

describe("counter-offers back and forth", () => {
  it("the requester counters the expert's counter; five counters in all, the sixth is 409 too-many-rounds", async () => {
    const pro = await expert();
    const student = await signUp();
    const at = morning(100);
    const id = await draft(student.cookie, pro.id, { slots: [at] });
    await act(student.cookie, id, "send");
    for (let round = 1; round <= 5; round++) {
      const side = round % 2 === 1 ? pro : student;
      const answer = await json<{ status: string }>(
        await act(side.cookie, id, "counter", { slots: [shifted(at, round * 24 * 60)] }),
      );
      expect(answer.status).toBe(side === pro ? "countered" : "sent");
      expect((await lifecyclePage(student.cookie, id)).countersLeft).toBe(5 - round);
    }
    // After the expert's fifth… the requester may accept or decline, no more counters.
    const last = await lifecyclePage(student.cookie, id);
    expect(last.actions).not.toContain("counter");
    const tooMany = await expectProblem(
      await act(student.cookie, id, "counter", { slots: [shifted(at, 9 * 24 * 60)] }),
      409,
    );
    expect(tooMany).toMatchObject({ code: "too-many-rounds" });
    // Only the latest round can be accepted, by the side it was offered to.
    const view = await page(student.cookie, id);
    const current = view.slots.filter((s) => s.current);
    expect(current.map((s) => s.proposedBy)).toEqual(["expert"]);
    await json(await act(student.cookie, id, "accept", { slotId: current[0]?.id }));
    expect((await page(pro.cookie, id)).invitation.scheduledStart).toBe(shifted(at, 5 * 24 * 60));
  });

  it("the wrong side cannot counter, and a requester's counter onto a booked time is 409 slot-overlaps", async () => {
    const pro = await expert();
    const t = morning(120);
    const booked = await scheduled({ pro, at: t });
    const student = await signUp();
    const id = await draft(student.cookie, pro.id, { slots: [shifted(t, 4 * 60)] });
    await act(student.cookie, id, "send");
    // The requester may not counter its own proposal.
    await expectProblem(await act(student.cookie, id, "counter", { slots: [shifted(t, 5 * 60)] }), 409);
    await json(await act(pro.cookie, id, "counter", { slots: [shifted(t, 6 * 60)] }));
    await expectProblem(await act(pro.cookie, id, "counter", { slots: [shifted(t, 7 * 60)] }), 409);
    const refused = await expectProblem(
      await act(student.cookie, id, "counter", { slots: [shifted(t, 30)] }),
      409,
    );
    expect(refused).toMatchObject({ code: "slot-overlaps" });
    expect(booked.id).not.toBe(id);
  });
});

describe("the expert's consent to being named publicly", () => {
  it("defaults to yes; an expert who unticks it is stored as no", async () => {
    const pro = await expert();
    const yes = await scheduled({ pro, at: morning(130) });
    expect((await lifecyclePage(yes.student.cookie, yes.id)).expertNamedPublicly).toBe(true);
    const student = await signUp();
    const id = await draft(student.cookie, pro.id, { slots: [morning(160)] });
    await act(student.cookie, id, "send");
    const slot = (await page(pro.cookie, id)).slots[0];
    await expectProblem(await act(pro.cookie, id, "accept", { slotId: slot?.id, namePublicly: "no" }), 400);
    await json(await act(pro.cookie, id, "accept", { slotId: slot?.id, namePublicly: false }));
    expect((await lifecyclePage(student.cookie, id)).expertNamedPublicly).toBe(false);
  });
});

describe("the meeting link", () => {
  it("either side sets it (https only); the two sides see it; it can be cleared", async () => {
    const { id, pro, student } = await scheduled({ at: morning(140) });
    expect((await lifecyclePage(student.cookie, id)).canSetMeetingLink).toBe(true);
    expect(await json(await setLink(pro.cookie, id, "https://meet.example.com/abc?pwd=1"))).toEqual({
      meetingLink: "https://meet.example.com/abc?pwd=1",
    });
    expect((await lifecyclePage(student.cookie, id)).meetingLink).toBe("https://meet.example.com/abc?pwd=1");
    await json(await setLink(student.cookie, id, "https://zoom.example.org/j/42"));
    expect((await lifecyclePage(pro.cookie, id)).meetingLink).toBe("https://zoom.example.org/j/42");
    expect((await lifecyclePage(pro.cookie, id)).history.at(-1)?.action).toBe("meeting-link");
    await json(await setLink(pro.cookie, id, null));
    expect((await lifecyclePage(student.cookie, id)).meetingLink).toBeNull();
  });

  it("refuses what is not an https link with a host: 400, never 500", async () => {
    const { id, pro } = await scheduled({ at: morning(150) });
    for (const url of [
      "http://meet.example.com/abc",
      "javascript:alert(1)",
      "https://",
      "https://user:pw@meet.example.com/",
      "meet.example.com",
      `https://meet.example.com/${"a".repeat(500)}`,
      "",
      42,
    ])
      await expectProblem(await setLink(pro.cookie, id, url), 400);
    await expectProblem(
      await call(`/api/invitations/${id}/meeting-link`, { method: "PATCH", cookie: pro.cookie, json: {} }),
      400,
    );
  });

  it("who may not: a stranger, an officer of another club, an on-site session, a finished one", async () => {
    const pro = await expert();
    const { club, officer } = await clubWithOfficer("Film Club");
    const other = await clubWithOfficer("Debate Club");
    const stranger = await signUp();
    const { id } = await scheduled({
      pro,
      requester: officer,
      at: morning(170),
      overrides: { requesterId: club.id },
    });
    for (const outsider of [stranger, other.officer, other.club])
      await expectProblem(await setLink(outsider.cookie, id, "https://meet.example.com/x"), 404);
    await expectProblem(
      await call(`/api/invitations/${id}/meeting-link`, { method: "PATCH", json: { url: null } }),
      401,
    );
    // The club's officer is the organiser's side.
    await json(await setLink(officer.cookie, id, "https://meet.example.com/film"));
    expect((await lifecyclePage(club.cookie, id)).meetingLink).toBe("https://meet.example.com/film");
    expect((await lifecyclePage(pro.cookie, id)).meetingLink).toBe("https://meet.example.com/film");

    const onsite = await scheduled({
      pro,
      at: morning(200),
      overrides: { format: "onsite", venue: "Hall A" },
    });
    expect(
      await expectProblem(await setLink(onsite.pro.cookie, onsite.id, "https://x.example.com"), 409),
    ).toMatchObject({
      code: "not-online",
    });
    expect(
      await expectProblem(await setLink(stranger.cookie, onsite.id, "https://x.example.com"), 404),
    ).toBeTruthy();
    expect((await act(onsite.student.cookie, onsite.id, "cancel")).status).toBe(200);

    const done = await scheduled({ pro, at: morning(230) });
    expect((await act(done.student.cookie, done.id, "cancel")).status).toBe(200);
    await expectProblem(await setLink(done.pro.cookie, done.id, "https://meet.example.com/late"), 409);
  });

  it("two concurrent changes: one applies, the other is 409 stale or lands after it, never lost silently", async () => {
    const { id, pro, student } = await scheduled({ at: morning(250) });
    const results = await Promise.all([
      setLink(pro.cookie, id, "https://a.example.com/1"),
      setLink(student.cookie, id, "https://b.example.com/2"),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    const link = (await lifecyclePage(pro.cookie, id)).meetingLink;
    const winners = ["https://a.example.com/1", "https://b.example.com/2"].filter(
      (_, i) => results[i]?.status === 200,
    );
    expect(winners).toContain(link);
  });
});

describe("the expert's busy times", () => {
  it("lists booked sessions as start and end only; the invite form's create refuses a booked time with 409", async () => {
    const pro = await expert();
    const t = morning(180);
    const booked = await scheduled({ pro, at: t });
    const viewer = await signUp();
    const from = new Date(Date.parse(t) - DAY).toISOString();
    const to = new Date(Date.parse(t) + DAY).toISOString();
    const busy = await call(`/api/experts/${pro.id}/busy?from=${from}&to=${to}`, { cookie: viewer.cookie });
    const body = await json<{ busy: Record<string, string>[] }>(busy);
    expect(body).toEqual({ busy: [{ start: t, end: shifted(t, 60) }] });
    // Outside the range: nothing.
    const later = await json<{ busy: unknown[] }>(
      await call(
        `/api/experts/${pro.id}/busy?from=${to}&to=${new Date(Date.parse(to) + DAY).toISOString()}`,
        {
          cookie: viewer.cookie,
        },
      ),
    );
    expect(later.busy).toEqual([]);

    const refused = (await expectProblem(
      await call("/api/invitations", {
        cookie: viewer.cookie,
        json: {
          expertId: pro.id,
          kind: "talk",
          title: "Another talk",
          agenda: "Q&A",
          slots: [shifted(t, 30)],
          durationMinutes: 60,
          format: "online",
          audienceSize: 20,
          language: "en",
          responseDeadline: new Date(Date.now() + 2 * DAY).toISOString(),
        },
      }),
      409,
    )) as { code?: string; busy?: string[]; detail?: string };
    expect(refused.code).toBe("slot-overlaps");
    expect(refused.busy).toEqual([shifted(t, 30)]);
    expect(refused.detail).not.toContain("Payments at scale");
    expect(booked.id).toBeTruthy();
  });

  it("sending refuses when every time has been booked since the draft; one free time is enough", async () => {
    const pro = await expert();
    const t = morning(200);
    const student = await signUp();
    const allBooked = await draft(student.cookie, pro.id, { slots: [t] });
    const oneFree = await draft(student.cookie, pro.id, { slots: [t, shifted(t, 3 * 60)] });
    await scheduled({ pro, at: shifted(t, 30) });
    const refused = await expectProblem(await act(student.cookie, allBooked, "send"), 409);
    expect(refused).toMatchObject({ code: "slot-overlaps" });
    expect((await act(student.cookie, oneFree, "send")).status).toBe(200);
  });

  it("who may not: signed out (401), a bad or too long range (400), a non-expert or someone blocked (404)", async () => {
    const pro = await expert();
    const viewer = await signUp();
    await expectProblem(await call(`/api/experts/${pro.id}/busy`), 401);
    await json(await call(`/api/experts/${pro.id}/busy`, { cookie: viewer.cookie }));
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    await expectProblem(
      await call(`/api/experts/${pro.id}/busy?from=${iso(now + DAY)}&to=${iso(now)}`, {
        cookie: viewer.cookie,
      }),
      400,
    );
    await expectProblem(
      await call(`/api/experts/${pro.id}/busy?from=${iso(now)}&to=${iso(now + 100 * DAY)}`, {
        cookie: viewer.cookie,
      }),
      400,
    );
    await expectProblem(await call(`/api/experts/${pro.id}/busy?from=soon`, { cookie: viewer.cookie }), 400);
    await expectProblem(await call(`/api/experts/${viewer.id}/busy`, { cookie: pro.cookie }), 404);
    await expectProblem(await call("/api/experts/not-an-id/busy", { cookie: viewer.cookie }), 400);
    expect(
      (await call(`/api/blocks/${viewer.id}`, { method: "PUT", cookie: pro.cookie })).status,
    ).toBeLessThan(300);
    await expectProblem(await call(`/api/experts/${pro.id}/busy`, { cookie: viewer.cookie }), 404);
  });
});

describe("across a block", () => {
  it("the session cannot be moved or given a link (404, as for a stranger), and the page offers neither; cancelling still works", async () => {
    const { id, pro, student, at } = await scheduled({ at: morning(260) });
    await json(await reschedule(student.cookie, id, null, { slots: [shifted(at, 60)] }));
    expect(
      (await call(`/api/blocks/${student.id}`, { method: "PUT", cookie: pro.cookie })).status,
    ).toBeLessThan(300);
    const offer = (await lifecyclePage(pro.cookie, id)).reschedule?.slots[0];
    await expectProblem(await reschedule(pro.cookie, id, "accept", { slotId: offer?.id }), 404);
    await expectProblem(await reschedule(pro.cookie, id, "counter", { slots: [shifted(at, 120)] }), 404);
    await expectProblem(await setLink(student.cookie, id, "https://meet.example.com/x"), 404);
    await expectProblem(await setLink(pro.cookie, id, "https://meet.example.com/x"), 404);
    const view = await lifecyclePage(student.cookie, id);
    expect(view.rescheduleActions).toEqual(["withdraw"]);
    expect(view.canSetMeetingLink).toBe(false);
    // Taking one's own proposal back, and cancelling, stay open.
    await json(await reschedule(student.cookie, id, "withdraw"));
    expect((await act(student.cookie, id, "cancel")).status).toBe(200);
  });
});
