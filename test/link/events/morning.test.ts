import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runHourlyCron } from "../../../worker/src/schedule";
import { adaptersFor } from "../../../worker/src/wiring";
import { mailsTo, waitForMail } from "../../support/http";
import { account, HOUR, invitation, publish, rsvp } from "./fixtures";

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
