import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json, waitFor } from "../../support/http";
import { block, type Person } from "../../support/link";
import {
  account,
  countsAndRows,
  HOUR,
  invitation,
  makeOfficer,
  notificationsOf,
  publish,
  rsvp,
  rsvpCall,
} from "./fixtures";

async function eventFor(capacity: number, visibility = "public", fields = {}) {
  const organiser = await account("student");
  const expert = await account("expert");
  const id = await invitation(organiser, expert, { audienceSize: capacity, ...fields });
  const { note } = await publish(organiser, id, visibility);
  return { organiser, expert, invitationId: id, noteId: note.id };
}

const people = (n: number) => Promise.all(Array.from({ length: n }, () => account("student")));

async function statusOf(noteId: string, who: Person) {
  const row = await env.DB.prepare("select status from event_rsvps where note_id = ? and user_id = ?")
    .bind(noteId, who.id)
    .first<{ status: string }>();
  return row?.status ?? null;
}

describe("RSVP", () => {
  it("going, interested, not going: the viewer's answer and the counts follow; the meeting link only to people going", async () => {
    const { noteId } = await eventFor(10);
    const reader = await account("student");
    const before = await json<{ event: { meetingLink: string | null } }>(
      await call(`/api/events/${noteId}`, { cookie: reader.cookie }),
    );
    expect(before.event.meetingLink).toBeNull();
    const going = await rsvp(reader, noteId, "going");
    expect(going.event.viewer.rsvp).toBe("going");
    expect(going.event.counts).toEqual({ going: 1, interested: 0, waitlisted: 0 });
    expect(going.event.meetingLink).toBe("https://meet.example/abc");
    const interested = await rsvp(reader, noteId, "interested");
    expect(interested.event.counts).toEqual({ going: 0, interested: 1, waitlisted: 0 });
    expect(interested.event.meetingLink).toBeNull();
    const no = await rsvp(reader, noteId, "not_going");
    expect(no.event.counts).toEqual({ going: 0, interested: 0, waitlisted: 0 });
    expect(no.event.viewer.rsvp).toBe("not_going");
  });

  it("when full, going joins the waitlist; a seat freed goes to the oldest on it, who is told", async () => {
    const { noteId } = await eventFor(2);
    const [a, b, c, d, e] = await people(5);
    if (!a || !b || !c || !d || !e) throw new Error("people");
    await rsvp(a, noteId, "going");
    await rsvp(b, noteId, "going");
    expect((await rsvp(c, noteId, "going")).event.viewer.rsvp).toBe("waitlisted");
    expect((await rsvp(d, noteId, "going")).event.viewer.rsvp).toBe("waitlisted");
    // Saying going again keeps a place, it does not move to the back.
    expect((await rsvp(c, noteId, "going")).event.viewer.rsvp).toBe("waitlisted");
    await rsvp(e, noteId, "going");
    const left = await rsvp(a, noteId, "not_going");
    expect(left.event.counts).toEqual({ going: 2, interested: 0, waitlisted: 2 });
    expect(await statusOf(noteId, c)).toBe("going");
    expect(await statusOf(noteId, d)).toBe("waitlisted");
    expect(await notificationsOf(c.id, "event.seat")).toHaveLength(1);
    expect(await notificationsOf(d.id, "event.seat")).toHaveLength(0);
    // A waitlisted person who leaves the list lets the next one keep their order.
    await rsvp(d, noteId, "interested");
    await rsvp(b, noteId, "interested");
    expect(await statusOf(noteId, e)).toBe("going");
    const { stored, rows } = await countsAndRows(noteId);
    expect(stored).toEqual({ ...rows, capacity: 2 });
  });

  it("under concurrency going never exceeds capacity and the counts equal the rows", async () => {
    const capacity = 7;
    const { noteId } = await eventFor(capacity);
    const crowd = await people(30);
    const answers = await Promise.all(crowd.map((p) => rsvpCall(p, noteId, "going")));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    let { stored, rows } = await countsAndRows(noteId);
    expect(stored).toEqual({ ...rows, capacity });
    expect(rows).toEqual({ going: capacity, interested: 0, waitlisted: 30 - capacity });
    // Half change their mind at once, in every direction: still exact, the waitlist fills every free seat.
    const intents = ["not_going", "interested", "going"];
    await Promise.all(crowd.slice(0, 15).map((p, i) => rsvpCall(p, noteId, intents[i % 3] ?? "going")));
    ({ stored, rows } = await countsAndRows(noteId));
    expect(stored).toEqual({ ...rows, capacity });
    expect(rows.going).toBe(capacity);
    expect(rows.going + rows.waitlisted).toBe(30 - 10);
  });

  it("the SQL follows the table: random answers through the API match a model of the rules", async () => {
    const capacity = 3;
    const { noteId } = await eventFor(capacity);
    const crowd = await people(6);
    const model = new Map<string, string>();
    const queue: string[] = [];
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let i = 0; i < 40; i++) {
      const who = crowd[next() % crowd.length];
      const intent = ["going", "interested", "not_going"][next() % 3];
      if (!who || !intent) continue;
      await rsvp(who, noteId, intent);
      const from = model.get(who.id) ?? null;
      const going = [...model.values()].filter((s) => s === "going").length;
      let to = intent;
      if (intent === "going")
        to = from === "going" || from === "waitlisted" ? from : going < capacity ? "going" : "waitlisted";
      model.set(who.id, to);
      if (to === "waitlisted" && from !== "waitlisted") queue.push(who.id);
      if (from === "waitlisted" && to !== "waitlisted") queue.splice(queue.indexOf(who.id), 1);
      const free = capacity - [...model.values()].filter((s) => s === "going").length;
      for (const id of queue.splice(0, Math.max(0, free))) model.set(id, "going");
      for (const p of crowd) expect(await statusOf(noteId, p)).toBe(model.get(p.id) ?? null);
    }
  });

  it("who may not: signed out 401, a reader who cannot see it 404, a blocked reader 404; a closed event 409; bad answers 400", async () => {
    const { organiser, noteId, invitationId } = await eventFor(5, "campus");
    const other = await account("student", "nus");
    await expectProblem(
      await call(`/api/events/${noteId}/rsvp`, { method: "PUT", json: { status: "going" } }),
      401,
    );
    await expectProblem(await rsvpCall(other, noteId, "going"), 404);
    const blocked = await account("student");
    await block(organiser, blocked);
    await expectProblem(await rsvpCall(blocked, noteId, "going"), 404);
    const reader = await account("student");
    await expectProblem(await rsvpCall(reader, noteId, "waitlisted"), 400);
    await expectProblem(await rsvpCall(reader, noteId, "maybe"), 400);
    await expectProblem(await rsvpCall(reader, crypto.randomUUID(), "going"), 404);
    await env.DB.prepare("update invitations set status = 'cancelled' where id = ?").bind(invitationId).run();
    expect((await expectProblem(await rsvpCall(reader, noteId, "going"), 409)).detail).toMatch(/cancelled/);
    expect((await countsAndRows(noteId)).rows).toEqual({ going: 0, interested: 0, waitlisted: 0 });
    // After its end an event takes no answers either.
    const ended = await eventFor(5, "public", { start: Date.now() + HOUR });
    await env.DB.prepare("update invitations set scheduled_start = ? where id = ?")
      .bind(Date.now() - 2 * HOUR, ended.invitationId)
      .run();
    expect((await expectProblem(await rsvpCall(reader, ended.noteId, "going"), 409)).detail).toMatch(/ended/);
  });
});

describe("attendees, CSV and the calendar file", () => {
  it("organisers (and the club's officers) see the list in order; others 403, strangers to a campus event 404", async () => {
    const club = await account("club");
    const officer = await account("student");
    await makeOfficer(club, officer);
    const expert = await account("expert");
    const { note } = await publish(officer, await invitation(club, expert, { audienceSize: 1 }), "campus");
    const [a, b, c] = await people(3);
    if (!a || !b || !c) throw new Error("people");
    await rsvp(a, note.id, "going");
    await rsvp(b, note.id, "going");
    await rsvp(c, note.id, "interested");
    for (const who of [club, officer]) {
      const { attendees } = await json<{
        attendees: { user: { id: string }; status: string; waitlistPosition: number | null }[];
      }>(await call(`/api/events/${note.id}/attendees`, { cookie: who.cookie }));
      expect(attendees.map((x) => [x.user.id, x.status, x.waitlistPosition])).toEqual([
        [a.id, "going", null],
        [b.id, "waitlisted", 1],
        [c.id, "interested", null],
      ]);
    }
    for (const who of [a, expert]) {
      await expectProblem(await call(`/api/events/${note.id}/attendees`, { cookie: who.cookie }), 403);
      await expectProblem(await call(`/api/events/${note.id}/attendees.csv`, { cookie: who.cookie }), 403);
    }
    const elsewhere = await account("student", "nus");
    await expectProblem(
      await call(`/api/events/${note.id}/attendees.csv`, { cookie: elsewhere.cookie }),
      404,
    );
    await expectProblem(await call(`/api/events/${note.id}/attendees.csv`), 401);
  });

  it("the CSV escapes quotes, commas and line breaks, and guards formulas", async () => {
    const { organiser, noteId } = await eventFor(10);
    const names = [
      '=HYPERLINK("http://evil","x")',
      "Tan, Wei Jie",
      'Say "hi"',
      "line\nbreak",
      "+60123",
      "@sum",
      "-1",
      "Plain",
    ];
    for (const name of names) {
      const who = await account("student", "um", name);
      await rsvp(who, noteId, "going");
    }
    const response = await call(`/api/events/${noteId}/attendees.csv`, { cookie: organiser.cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment/);
    const text = await response.text();
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(["name", "status", "waitlist_position", "since"]);
    const got = rows.slice(1).map((r) => r[0]);
    expect(got).toEqual([
      `'=HYPERLINK("http://evil","x")`,
      "Tan, Wei Jie",
      'Say "hi"',
      "line\nbreak",
      "'+60123",
      "'@sum",
      "'-1",
      "Plain",
    ]);
    for (const row of rows.slice(1)) expect(row).toHaveLength(4);
    // No cell a spreadsheet would run.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("the calendar file: for people going, organisers and the expert; valid RFC 5545 lines; others 403/404", async () => {
    const { organiser, expert, noteId } = await eventFor(10, "public", {
      title: "Risk; models, and \\ more",
      start: Date.UTC(2030, 0, 2, 3, 0, 0),
    });
    const goer = await account("student");
    const interested = await account("student");
    await rsvp(goer, noteId, "going");
    await rsvp(interested, noteId, "interested");
    for (const who of [goer, organiser, expert]) {
      const response = await call(`/api/events/${noteId}/ics`, { cookie: who.cookie });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/calendar/);
      const lines = parseIcs(await response.text());
      expect(lines.get("UID")).toBe(`event-${noteId}@atas.dev`);
      expect(lines.get("DTSTART")).toBe("20300102T030000Z");
      expect(lines.get("DTEND")).toBe("20300102T040000Z");
      expect(lines.get("SUMMARY")).toBe("Risk; models, and \\ more");
      expect(lines.get("LOCATION")).toBe("https://meet.example/abc");
      expect(lines.get("STATUS")).toBe("CONFIRMED");
      expect(lines.get("BEGIN")).toBe("VCALENDAR");
    }
    await expectProblem(await call(`/api/events/${noteId}/ics`, { cookie: interested.cookie }), 403);
    await expectProblem(
      await call(`/api/events/${noteId}/ics`, { cookie: (await account("student")).cookie }),
      403,
    );
    await expectProblem(await call(`/api/events/${noteId}/ics`), 401);
  });
});

/** RFC 4180: quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += ch;
  }
  expect(field).toBe("");
  expect(row).toEqual([]);
  return rows;
}

/** Unfolds and reads a calendar as a strict reader does: CRLF only, ≤ 75 octets, TEXT unescaped (first value of each name). */
function parseIcs(ics: string): Map<string, string> {
  expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  expect(ics.endsWith("\r\n")).toBe(true);
  const physical = ics.slice(0, -2).split("\r\n");
  for (const line of physical) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  const values = new Map<string, string>();
  for (const line of physical
    .join("\r\n")
    .replace(/\r\n[ \t]/g, "")
    .split("\r\n")) {
    const match = /^([A-Z-]+)(?:;[^:]*)?:(.*)$/.exec(line);
    if (!match?.[1]) throw new Error(`not a content line: ${line}`);
    const value = (match[2] ?? "").replace(/\\([\\;,nN])/g, (_, c: string) =>
      c === "n" || c === "N" ? "\n" : c,
    );
    if (!values.has(match[1])) values.set(match[1], value);
  }
  return values;
}

void waitFor;
