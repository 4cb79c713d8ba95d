import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { expert, invitationBody } from "../../pro/fixtures";
import { call, expectProblem, json } from "../../support/http";
import { uploadedImage } from "../../support/link";
import { account, HOUR, invitation, makeOfficer, publish, publishCall } from "./fixtures";

describe("publishing a scheduled invitation as an event", () => {
  it("the student requester publishes; the note is theirs, capacity is the audience size, the block reads the invitation", async () => {
    const student = await account("student");
    const expert = await account("expert", null, "Dr Named");
    const start = Date.now() + 48 * HOUR;
    const id = await invitation(student, expert, { start, durationMinutes: 90, audienceSize: 30 });
    const { note, event } = await publish(student, id, "public", { body: "Come along #payments" });
    expect(note.author.id).toBe(student.id);
    expect(note.visibility).toBe("public");
    expect(event.capacity).toBe(30);
    expect(event.phase).toBe("upcoming");
    expect(event.startsAt).toBe(new Date(start).toISOString());
    expect(event.endsAt).toBe(new Date(start + 90 * 60_000).toISOString());
    expect(event.expert).toEqual({ id: expert.id, displayName: "Dr Named" });
    expect(event.viewer.organiser).toBe(true);
    // The organiser sees the meeting link; the note is found by its topic like any note.
    expect(event.meetingLink).toBe("https://meet.example/abc");
    const topic = await env.DB.prepare("select topic from note_topics where note_id = ?")
      .bind(note.id)
      .first();
    expect(topic).toEqual({ topic: "payments" });
  });

  it("a club officer publishes for the club: the club is the author and organiser, the officer the publisher", async () => {
    const club = await account("club");
    const officer = await account("student");
    await makeOfficer(club, officer);
    const id = await invitation(club, await account("expert"));
    const { note, event } = await publish(officer, id, "campus");
    expect(note.author.id).toBe(club.id);
    expect(event.viewer.organiser).toBe(true);
    const row = await env.DB.prepare("select organiser_id, published_by from events where note_id = ?")
      .bind(note.id)
      .first();
    expect(row).toEqual({ organiser_id: club.id, published_by: officer.id });
  });

  it("takes a cover image: the publisher's own unattached upload, and no one else's", async () => {
    const student = await account("student");
    const cover = await uploadedImage(student);
    const { note } = await publish(student, await invitation(student, await account("expert")), "public", {
      coverImageId: cover,
    });
    expect(await env.DB.prepare("select note_id from note_images where id = ?").bind(cover).first()).toEqual({
      note_id: note.id,
    });
    const other = await account("student");
    const theirs = await uploadedImage(other);
    await expectProblem(
      await publishCall(student, await invitation(student, await account("expert")), "public", {
        coverImageId: theirs,
      }),
      400,
    );
  });

  it("twice is 409, and two racing publishers make exactly one event", async () => {
    const student = await account("student");
    const id = await invitation(student, await account("expert"));
    await publish(student, id);
    expect((await expectProblem(await publishCall(student, id), 409)).detail).toMatch(/already/);

    const club = await account("club");
    const a = await account("student");
    const b = await account("student");
    await makeOfficer(club, a);
    await makeOfficer(club, b);
    const raced = await invitation(club, await account("expert"));
    const answers = await Promise.all([
      publishCall(a, raced),
      publishCall(b, raced),
      publishCall(club, raced),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const n = await env.DB.prepare(
      "select (select count(*) from events where invitation_id = ?1) as events, (select count(*) from notes n where n.author_id = ?2) as notes",
    )
      .bind(raced, club.id)
      .first();
    expect(n).toEqual({ events: 1, notes: 1 });
  });

  it("refuses what is not a scheduled talk, workshop or panel (409), and a session already over", async () => {
    const student = await account("student");
    const expert = await account("expert");
    for (const kind of ["workshop", "panel"])
      await publish(
        student,
        await invitation(student, expert, { kind, start: Date.now() + (kind === "panel" ? 50 : 60) * HOUR }),
      );
    for (const kind of ["mentoring", "mock-interview"])
      expect(
        (await expectProblem(await publishCall(student, await invitation(student, expert, { kind })), 409))
          .detail,
      ).toMatch(/not published as an event/);
    for (const status of ["sent", "accepted", "countered", "completed", "cancelled", "declined", "expired"])
      await expectProblem(await publishCall(student, await invitation(student, expert, { status })), 409);
    const over = await invitation(student, expert, { start: Date.now() - 2 * HOUR });
    await expectProblem(await publishCall(student, over), 409);
  });

  it("who may not: signed out 401, a stranger and another club's officer 404, the expert and an unrelated student 403/404", async () => {
    const club = await account("club");
    const expert = await account("expert");
    const id = await invitation(club, expert);
    await expectProblem(await call("/api/events", { json: { invitationId: id, visibility: "public" } }), 401);
    await expectProblem(await publishCall(await account("student"), id), 404);
    const otherClub = await account("club");
    const otherOfficer = await account("student");
    await makeOfficer(otherClub, otherOfficer);
    await expectProblem(await publishCall(otherOfficer, id), 404);
    await expectProblem(await publishCall(otherClub, id), 404);
    expect((await expectProblem(await publishCall(expert, id), 403)).detail).toMatch(/requester/);
    expect(
      await env.DB.prepare("select count(*) as n from events where invitation_id = ?").bind(id).first(),
    ).toEqual({
      n: 0,
    });
  });

  it("bad input is 400: a private event, a missing or malformed invitation id, an unknown field; a campus event needs a verified campus", async () => {
    const student = await account("student");
    const id = await invitation(student, await account("expert"));
    await expectProblem(await publishCall(student, id, "private"), 400);
    await expectProblem(await publishCall(student, "not-a-uuid"), 400);
    await expectProblem(await publishCall(student, id, "public", { surprise: 1 }), 400);
    await expectProblem(
      await call("/api/events", { cookie: student.cookie, json: { visibility: "public" } }),
      400,
    );
    await expectProblem(await publishCall(student, crypto.randomUUID()), 404);
    const unverified = await account("student", null);
    await expectProblem(
      await publishCall(unverified, await invitation(unverified, await account("expert")), "campus"),
      400,
    );
  });

  it("an expert who said no to being named: the event shows the topic without the expert, except to its two sides", async () => {
    const student = await account("student");
    const expert = await account("expert");
    const id = await invitation(student, expert, { expertNamedPublicly: false, title: "Fraud signals" });
    const { note, event } = await publish(student, id);
    expect(event.expert).not.toBeNull();
    const reader = await account("student");
    const seen = await json<{ note: { title: string }; event: { expert: unknown } }>(
      await call(`/api/events/${note.id}`, { cookie: reader.cookie }),
    );
    expect(seen.note.title).toBe("Fraud signals");
    expect(seen.event.expert).toBeNull();
    const anonymous = await json<{ event: { expert: unknown } }>(await call(`/api/events/${note.id}`));
    expect(anonymous.event.expert).toBeNull();
    // Nor does the expert's profile list it.
    const listed = await json<{ events: unknown[] }>(
      await call(`/api/users/${expert.id}/events`, { cookie: reader.cookie }),
    );
    expect(listed.events).toEqual([]);
  });

  it("deleting the event note removes the event and its RSVPs; the invitation may be published again", async () => {
    const student = await account("student");
    const id = await invitation(student, await account("expert"));
    const { note } = await publish(student, id);
    const reader = await account("student");
    await json(
      await call(`/api/events/${note.id}/rsvp`, {
        method: "PUT",
        cookie: reader.cookie,
        json: { status: "going" },
      }),
    );
    const gone = await call(`/api/notes/${note.id}`, { method: "DELETE", cookie: student.cookie });
    expect(gone.status).toBe(204);
    const left = await env.DB.prepare(
      "select (select count(*) from events where note_id = ?1) as events, (select count(*) from event_rsvps where note_id = ?1) as rsvps",
    )
      .bind(note.id)
      .first();
    expect(left).toEqual({ events: 0, rsvps: 0 });
    await expectProblem(await call(`/api/events/${note.id}`, { cookie: student.cookie }), 404);
    await publish(student, id);
  });
});

describe("an invitation's event, for its invitation page", () => {
  it("null until published, then the note, to both sides and a club's officers; who may not: signed out 401, a stranger and another club 404, a bad id 400", async () => {
    const club = await account("club");
    const officer = await account("student");
    await makeOfficer(club, officer);
    const expert = await account("expert");
    const id = await invitation(club, expert);
    const eventOf = async (who: { cookie: string }) =>
      json<{ noteId: string | null }>(await call(`/api/invitations/${id}/event`, { cookie: who.cookie }));
    expect(await eventOf(officer)).toEqual({ noteId: null });
    const { note } = await publish(officer, id, "campus");
    for (const who of [club, officer, expert]) expect(await eventOf(who)).toEqual({ noteId: note.id });

    await expectProblem(await call(`/api/invitations/${id}/event`), 401);
    const otherClub = await account("club");
    const otherOfficer = await account("student");
    await makeOfficer(otherClub, otherOfficer);
    for (const who of [await account("student"), otherClub, otherOfficer])
      await expectProblem(await call(`/api/invitations/${id}/event`, { cookie: who.cookie }), 404);
    await expectProblem(
      await call(`/api/invitations/${crypto.randomUUID()}/event`, { cookie: club.cookie }),
      404,
    );
    await expectProblem(await call("/api/invitations/not-an-id/event", { cookie: club.cookie }), 400);
  });
});

const ask = (who: { cookie: string }, expertId: string, sourceNoteId: string) =>
  call("/api/invitations", { cookie: who.cookie, json: invitationBody(expertId, { sourceNoteId }) });

describe("Ask this expert from an event", () => {
  it("an event featuring the expert is a source for inviting them; both sides see it", async () => {
    const club = await account("club");
    const pro = await expert();
    const id = await invitation(club, { ...pro, campusId: null }, { title: "Payments at scale, live" });
    const { note } = await publish(club, id);
    const student = await account("student");
    const created = await ask(student, pro.id, note.id);
    expect(created.status).toBe(201);
    const { id: asked } = await json<{ id: string }>(created, 201);
    const page = await json<{ sourceNote: { id: string; title: string } | null }>(
      await call(`/api/invitations/${asked}`, { cookie: student.cookie }),
    );
    expect(page.sourceNote).toEqual({ id: note.id, title: "Payments at scale, live" });
  });

  it("not when the expert asked not to be named: the event does not feature them", async () => {
    const club = await account("club");
    const pro = await expert();
    const id = await invitation(club, { ...pro, campusId: null }, { expertNamedPublicly: false });
    const { note } = await publish(club, id);
    const student = await account("student");
    const problem = await expectProblem(await ask(student, pro.id, note.id), 400);
    expect(problem.detail ?? problem.title).toMatch(/not by or about/);
  });
});
