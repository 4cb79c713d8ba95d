import { env } from "cloudflare:test";
import { createDb } from "../../../worker/src/db/client";
import { createSession } from "../../../worker/src/identity/services/sessions";
import { call, json } from "../../support/http";
import type { Person } from "../../support/link";

/** What the event tests share: accounts, officers and scheduled invitations written straight to D1. */

export const HOUR = 3_600_000;

export async function account(
  role: "student" | "expert" | "club" | "admin",
  campusId: string | null = "um",
  name = `${role} ${crypto.randomUUID().slice(0, 4)}`,
): Promise<Person> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, bio, campus_id, campus_verified, created_at, updated_at) values (?, ?, 'x', ?, ?, '', ?5, ?5 is not null, 0, 0)",
  )
    .bind(id, `${id}@events.test`, name, role, campusId)
    .run();
  const { token } = await createSession(createDb(env.DB), id, "test");
  return { id, cookie: `atas_session=${token}`, campusId };
}

export async function makeOfficer(club: Person, student: Person) {
  await env.DB.prepare("insert into club_officers (club_id, user_id) values (?, ?)")
    .bind(club.id, student.id)
    .run();
}

export interface InvitationFields {
  kind?: string;
  status?: string;
  /** Start (UTC ms); default a day from now. */
  start?: number;
  durationMinutes?: number;
  audienceSize?: number;
  format?: "online" | "onsite";
  venue?: string | null;
  meetingLink?: string | null;
  expertNamedPublicly?: boolean;
  title?: string;
}

/** An invitation from `requester` to `expert`, scheduled unless told otherwise. */
export async function invitation(requester: Person, expert: Person, fields: InvitationFields = {}) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `insert into invitations (id, requester_id, expert_id, created_by, kind, title, agenda, duration_minutes, format, venue,
       audience_size, language, response_deadline, status, version, scheduled_start, sent_at, created_at, updated_at,
       meeting_link, expert_named_publicly)
     values (?, ?, ?, ?, ?, ?, 'Agenda', ?, ?, ?, ?, 'en', 0, ?, 3, ?, 1, 0, 0, ?, ?)`,
  )
    .bind(
      id,
      requester.id,
      expert.id,
      requester.id,
      fields.kind ?? "talk",
      fields.title ?? "Payments at scale",
      fields.durationMinutes ?? 60,
      fields.format ?? "online",
      fields.venue ?? null,
      fields.audienceSize ?? 50,
      fields.status ?? "scheduled",
      fields.start ?? Date.now() + 24 * HOUR,
      fields.meetingLink === undefined ? "https://meet.example/abc" : fields.meetingLink,
      fields.expertNamedPublicly === false ? 0 : 1,
    )
    .run();
  return id;
}

export interface EventItem {
  note: { id: string; title: string; visibility: string; author: { id: string } };
  event: {
    noteId: string;
    expert: { id: string; displayName: string } | null;
    phase: string;
    venue: string | null;
    meetingLink: string | null;
    capacity: number;
    counts: { going: number; interested: number; waitlisted: number };
    recapNoteId: string | null;
    startsAt: string;
    endsAt: string;
    viewer: { rsvp: string | null; organiser: boolean; expert: boolean };
  };
}

export function publishCall(who: Person, invitationId: string, visibility = "public", extra: object = {}) {
  return call("/api/events", { cookie: who.cookie, json: { invitationId, visibility, ...extra } });
}

/** Publishes through the API; the event. */
export async function publish(who: Person, invitationId: string, visibility = "public", extra: object = {}) {
  return json<EventItem>(await publishCall(who, invitationId, visibility, extra), 201);
}

export function rsvpCall(who: Person, noteId: string, status: string) {
  return call(`/api/events/${noteId}/rsvp`, { method: "PUT", cookie: who.cookie, json: { status } });
}

export async function rsvp(who: Person, noteId: string, status: string) {
  return json<EventItem>(await rsvpCall(who, noteId, status));
}

/** The stored counts and the counts of the rows they stand for. */
export async function countsAndRows(noteId: string) {
  const stored = await env.DB.prepare(
    "select going_count as going, interested_count as interested, waitlist_count as waitlisted, capacity from events where note_id = ?",
  )
    .bind(noteId)
    .first<{ going: number; interested: number; waitlisted: number; capacity: number }>();
  const rows = await env.DB.prepare(
    "select sum(status = 'going') as going, sum(status = 'interested') as interested, sum(status = 'waitlisted') as waitlisted from event_rsvps where note_id = ?",
  )
    .bind(noteId)
    .first<{ going: number | null; interested: number | null; waitlisted: number | null }>();
  return {
    stored,
    rows: { going: rows?.going ?? 0, interested: rows?.interested ?? 0, waitlisted: rows?.waitlisted ?? 0 },
  };
}

export async function notificationsOf(userId: string, type: string) {
  const rows = await env.DB.prepare("select text from notifications where user_id = ? and type = ?")
    .bind(userId, type)
    .all<{ text: string }>();
  return rows.results.map((r) => r.text);
}
