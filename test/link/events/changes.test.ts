import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type Candidate, EVENT_BOOST, NO_SIGNALS, rankPage } from "../../../worker/src/link/feeds/ranking";
import { consumeQueue } from "../../../worker/src/queues";
import { runHourlyCron } from "../../../worker/src/schedule";
import { adaptersFor } from "../../../worker/src/wiring";
import { call, expectProblem, json, mailsTo, waitFor, waitForMail } from "../../support/http";
import { uploadedImage } from "../../support/link";
import { messageBatch } from "../../support/queue";
import { account, HOUR, invitation, makeOfficer, notificationsOf, publish, rsvp } from "./fixtures";

const act = (cookie: string, id: string, action: string) =>
  call(`/api/invitations/${id}/${action}`, { method: "POST", cookie, json: {} });

describe("a changed invitation changes its event and tells everyone going", () => {
  it("cancelled: the event reads cancelled and people going or waitlisted are told, once, however often the job runs", async () => {
    const club = await account("club");
    const officer = await account("student");
    await makeOfficer(club, officer);
    const id = await invitation(club, await account("expert"), { audienceSize: 1, title: "Chips and ML" });
    const { note } = await publish(officer, id);
    const [going, waiting, interested] = [
      await account("student"),
      await account("student"),
      await account("student"),
    ];
    await rsvp(going, note.id, "going");
    await rsvp(waiting, note.id, "going");
    await rsvp(interested, note.id, "interested");

    const cancelled = await act(officer.cookie, id, "cancel");
    expect(cancelled.status).toBe(200);
    // The real fan-out queue's consumer tells them.
    for (const who of [going, waiting])
      await waitFor(
        "the cancellation notice",
        () => notificationsOf(who.id, "event.changed"),
        (texts) => texts.length === 1,
      );
    expect(await notificationsOf(going.id, "event.changed")).toEqual(['"Chips and ML" was cancelled.']);
    expect(await notificationsOf(interested.id, "event.changed")).toEqual([]);
    // And a mail, through the mail queue, with the way to the event.
    const mail = await waitForMail(`${going.id}@events.test`, "Cancelled: Chips and ML");
    expect(mail.text).toContain(`/notes/${note.id}`);
    await waitForMail(`${waiting.id}@events.test`, "Cancelled: Chips and ML");
    expect(await mailsTo(`${interested.id}@events.test`)).toEqual([]);
    const seen = await json<{ event: { phase: string } }>(
      await call(`/api/events/${note.id}`, { cookie: going.cookie }),
    );
    expect(seen.event.phase).toBe("cancelled");

    // The same job again (a retry): nobody hears twice.
    const history = await env.DB.prepare(
      "select id from invitation_events where invitation_id = ? and to_status = 'cancelled'",
    )
      .bind(id)
      .first<{ id: string }>();
    if (!history) throw new Error("no history");
    const job = {
      kind: "invitation-changed",
      key: `invitation-changed:${history.id}`,
      invitationId: id,
      historyEventId: history.id,
    };
    const { batch, outcomes } = messageBatch("atas-fanout", [job, job]);
    await consumeQueue(batch, env);
    expect(outcomes).toEqual(["ack", "ack"]);
    expect(await notificationsOf(going.id, "event.changed")).toHaveLength(1);
    expect(await notificationsOf(waiting.id, "event.changed")).toHaveLength(1);
    // The retried job's mails are keyed as the first ones were: still one each, once the queue is idle.
    await waitFor(
      "the retried mail jobs",
      async () =>
        env.DB.prepare("select count(*) as n from job_effects where substr(key, 1, length(?1)) = ?1")
          .bind(`event-changed:${history.id}:`)
          .first<{ n: number }>(),
      (row) => row?.n === 2,
    );
    expect(await mailsTo(`${going.id}@events.test`)).toHaveLength(1);
    // Cancelled events leave the lists.
    expect(
      (
        await json<{ events: { note: { id: string } }[] }>(
          await call("/api/events?scope=mine", { cookie: going.cookie }),
        )
      ).events,
    ).toEqual([]);
  });

  it("moved: the page shows the new time at once and the job tells people going; a job for an invitation without an event does nothing", async () => {
    const student = await account("student");
    const id = await invitation(student, await account("expert"));
    const { note } = await publish(student, id);
    const goer = await account("student");
    await rsvp(goer, note.id, "going");
    const later = Date.UTC(2031, 5, 1, 9);
    // As a reschedule commits it: the invitation's new start and a history row.
    const historyId = crypto.randomUUID();
    await env.DB.batch([
      env.DB.prepare("update invitations set scheduled_start = ?, version = version + 1 where id = ?").bind(
        later,
        id,
      ),
      env.DB.prepare(
        "insert into invitation_events (id, invitation_id, actor_id, action, from_status, to_status, created_at) values (?, ?, ?, 'reschedule', 'scheduled', 'scheduled', 0)",
      ).bind(historyId, id, student.id),
    ]);
    const seen = await json<{ event: { startsAt: string } }>(
      await call(`/api/events/${note.id}`, { cookie: goer.cookie }),
    );
    expect(seen.event.startsAt).toBe(new Date(later).toISOString());
    const { batch, outcomes } = messageBatch("atas-fanout", [
      { kind: "invitation-changed", key: `k:${historyId}`, invitationId: id, historyEventId: historyId },
      {
        kind: "invitation-changed",
        key: "k:none",
        invitationId: crypto.randomUUID(),
        historyEventId: historyId,
      },
    ]);
    await consumeQueue(batch, env);
    expect(outcomes).toEqual(["ack", "ack"]);
    // On the goer's own clock (their campus is in Kuala Lumpur, UTC+8), the zone named.
    expect(await notificationsOf(goer.id, "event.changed")).toEqual([
      `"Payments at scale" has a new time: Sunday, 1 June 2031, 17:00 (Asia/Kuala_Lumpur).`,
    ]);
    const mail = await waitForMail(`${goer.id}@events.test`, "New time: Payments at scale");
    expect(mail.text).toContain("2031-06-01 09:00 UTC");
  });
});

describe("the recap", () => {
  it("after completion an organiser posts one recap, linked to the event; people going are told; others may not", async () => {
    const club = await account("club");
    const officer = await account("student");
    await makeOfficer(club, officer);
    const expert = await account("expert");
    const id = await invitation(club, expert, { title: "Robots" });
    const { note } = await publish(officer, id, "campus");
    const goer = await account("student");
    const maybe = await account("student");
    await rsvp(goer, note.id, "going");
    await rsvp(maybe, note.id, "interested");
    const recap = (who: { cookie: string }, body: object = { body: "Slides and photos #robots" }) =>
      call(`/api/events/${note.id}/recap`, { cookie: who.cookie, json: body });

    expect((await expectProblem(await recap(officer), 409)).detail).toMatch(/completed/);
    await env.DB.prepare("update invitations set status = 'completed', completed_at = ? where id = ?")
      .bind(Date.now(), id)
      .run();
    await expectProblem(await recap(goer), 403);
    await expectProblem(await recap(expert), 403);
    await expectProblem(await recap(await account("student", "nus")), 404);
    await expectProblem(await call(`/api/events/${note.id}/recap`, { json: { body: "x" } }), 401);
    await expectProblem(await recap(officer, { body: "x", imageIds: [await uploadedImage(goer)] }), 400);

    const photo = await uploadedImage(officer);
    const posted = await json<{
      note: { id: string; author: { id: string }; visibility: string; title: string };
    }>(await recap(officer, { body: "Slides and photos #robots", imageIds: [photo] }), 201);
    expect(posted.note.author.id).toBe(club.id);
    expect(posted.note.visibility).toBe("campus");
    expect(posted.note.title).toBe("Recap: Robots");
    const event = await json<{ event: { recapNoteId: string | null; phase: string } }>(
      await call(`/api/events/${note.id}`, { cookie: goer.cookie }),
    );
    expect(event.event).toMatchObject({ recapNoteId: posted.note.id, phase: "completed" });
    expect(await notificationsOf(goer.id, "event.recap")).toHaveLength(1);
    expect(await notificationsOf(maybe.id, "event.recap")).toHaveLength(0);
    expect((await expectProblem(await recap(club), 409)).detail).toMatch(/already/);

    // The expert's track record counts the session and the people who went.
    const record = await json<{ trackRecord: { eventsDelivered: number; attendees: number } }>(
      await call(`/api/experts/${expert.id}`),
    );
    expect(record.trackRecord).toMatchObject({ eventsDelivered: 1, attendees: 1 });
  });
});

describe("discovery and events", () => {
  const NOW = Date.UTC(2026, 10, 20, 12);
  const candidate = (id: string, event: Candidate["event"], campusId: string | null = "um"): Candidate => ({
    id,
    authorId: `author-${id}`,
    campusId,
    topics: [],
    createdAt: NOW - 5 * HOUR,
    signals: { likes: 0, collects: 0, comments: 0, shares: 0, followsGained: 0 },
    event,
  });
  const viewer = { ...NO_SIGNALS, campusId: "um", followedPeople: new Set(["expert-1"]) };

  it("ranks an upcoming event on the viewer's campus and from followed people above an equal note; drops ended and cancelled ones", () => {
    const plain = candidate("plain", null);
    const upcoming = candidate("upcoming", { endsAt: NOW + HOUR, scheduled: true, people: ["org"] }, "nus");
    const onCampus = candidate("on-campus", { endsAt: NOW + HOUR, scheduled: true, people: ["org"] });
    const followed = candidate("followed", {
      endsAt: NOW + HOUR,
      scheduled: true,
      people: ["org", "expert-1"],
    });
    const ended = candidate("ended", { endsAt: NOW - 1, scheduled: true, people: ["org"] });
    const cancelled = candidate("cancelled", { endsAt: NOW + HOUR, scheduled: false, people: ["org"] });
    const page = rankPage([plain, upcoming, onCampus, followed, ended, cancelled], viewer, NOW, {
      limit: 10,
    });
    expect(page.map((c) => c.id)).toEqual(["followed", "on-campus", "plain", "upcoming"]);
    expect(EVENT_BOOST.onCampus).toBeGreaterThan(1);
  });

  it("through the feed: an event shows while upcoming and leaves once it has ended", async () => {
    const organiser = await account("student", "um");
    const id = await invitation(organiser, await account("expert"));
    const { note } = await publish(organiser, id, "public");
    const reader = await account("student", "um");
    const ids = async () =>
      (
        await json<{ notes: { id: string }[] }>(await call("/api/feed/discover", { cookie: reader.cookie }))
      ).notes.map((n) => n.id);
    expect(await ids()).toContain(note.id);
    await env.DB.prepare("update invitations set scheduled_start = ? where id = ?")
      .bind(Date.now() - 3 * HOUR, id)
      .run();
    expect(await ids()).not.toContain(note.id);
  });
});

const DAY = 24 * HOUR;

async function campus(zone: string) {
  const id = `c-${crypto.randomUUID().slice(0, 8)}`;
  await env.DB.prepare("insert into campuses (id, name, country, time_zone) values (?, ?, 'XX', ?)")
    .bind(id, `Campus ${id}`, zone)
    .run();
  return id;
}

const run = (at: number) => runHourlyCron({ scheduledTime: at }, env, adaptersFor(env));

const eventClaims = async (noteId: string) =>
  (
    await env.DB.prepare(
      "select kind || ':' || recipient_id || ':' || local_date as c from morning_claims where subject_id = ? order by c",
    )
      .bind(noteId)
      .all<{ c: string }>()
  ).results.map((r) => r.c);

/** Midnight UTC of a day `days` ahead, so the clock below is controlled and real "now" stays earlier. */
function dayAhead(days: number) {
  const d = new Date(Date.now() + days * DAY);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

describe("events in the morning run", () => {
  it("people going hear of an event the day before and on the day at 06:00 their own time (UTC+8 and UTC+1), once; the waitlisted hear their place", async () => {
    const [kl, lagos] = [await campus("Asia/Kuala_Lumpur"), await campus("Africa/Lagos")];
    const club = await account("club", kl);
    const expert = await account("expert", null);
    // Day D at 12:00 UTC: 20:00 in Kuala Lumpur, 13:00 in Lagos; capacity 2.
    const d = dayAhead(10);
    const start = d + 12 * HOUR;
    const id = await invitation(club, expert, { start, audienceSize: 2, title: "Chips in the morning" });
    const { note } = await publish(club, id);
    const [klStudent, lagosStudent, waiting] = [
      await account("student", kl),
      await account("student", lagos),
      await account("student", kl),
    ];
    await rsvp(klStudent, note.id, "going");
    await rsvp(lagosStudent, note.id, "going");
    await rsvp(waiting, note.id, "going"); // full: waitlisted
    const date = (instant: number) => new Date(instant).toISOString().slice(0, 10);

    // Every hour of the two days before the talk, twice each (a repeated run sends nothing new).
    for (let at = d - 2 * DAY; at < start; at += HOUR) {
      await run(at);
      if (at % (6 * HOUR) === 0) await run(at);
    }

    // Kuala Lumpur's 06:00 is 22:00 UTC the day before; Lagos's is 05:00 UTC.
    expect(await eventClaims(note.id)).toEqual(
      [
        `event-today:${klStudent.id}:${date(d)}`,
        `event-tomorrow:${klStudent.id}:${date(d - DAY)}`,
        `event-today:${lagosStudent.id}:${date(d)}`,
        `event-tomorrow:${lagosStudent.id}:${date(d - DAY)}`,
        `event-waitlist:${waiting.id}:${date(d)}`,
        `event-waitlist:${waiting.id}:${date(d - DAY)}`,
      ].sort(),
    );
    const today = await waitForMail(`${klStudent.id}@events.test`, "Today: Chips in the morning");
    // The time in the reader's own zone.
    expect(today.text).toContain("20:00");
    expect(today.text).toContain("Asia/Kuala_Lumpur");
    const lagosToday = await waitForMail(`${lagosStudent.id}@events.test`, "Today: Chips in the morning");
    expect(lagosToday.text).toContain("13:00");
    await waitForMail(`${lagosStudent.id}@events.test`, "Tomorrow: Chips in the morning");
    const place = await waitForMail(`${waiting.id}@events.test`, "Waitlist: Chips in the morning");
    expect(place.text).toContain("number 1 on the waitlist");
    expect((await mailsTo(`${klStudent.id}@events.test`)).length).toBe(2);
  });

  it("a cancelled event, someone who left, or only interested: no reminder", async () => {
    const club = await account("club");
    const d = dayAhead(12);
    const live = await invitation(club, await account("expert", null), { start: d + 3 * HOUR });
    const cancelled = await invitation(club, await account("expert", null), { start: d + 3 * HOUR });
    const [a, b] = [await publish(club, live), await publish(club, cancelled)];
    const [left, interested, goingToCancelled] = [
      await account("student"),
      await account("student"),
      await account("student"),
    ];
    await rsvp(left, a.note.id, "going");
    await rsvp(left, a.note.id, "not_going");
    await rsvp(interested, a.note.id, "interested");
    await rsvp(goingToCancelled, b.note.id, "going");
    await env.DB.prepare("update invitations set status = 'cancelled' where id = ?").bind(cancelled).run();
    for (let at = d - 2 * DAY; at < d + 3 * HOUR; at += HOUR) await run(at);
    expect(await eventClaims(a.note.id)).toEqual([]);
    expect(await eventClaims(b.note.id)).toEqual([]);
  });
});
