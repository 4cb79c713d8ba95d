import { and, asc, eq, ne, sql } from "drizzle-orm";
import { users } from "../../../identity/schema";
import { eventCalendar } from "../../../pro";
import type { ActionContext } from "../../../shared/context";
import { Forbidden } from "../../../shared/errors";
import { eventRsvps, type RsvpStatus } from "../schema";
import { eventEnd, loadEvent } from "./event-views";

export interface Attendee {
  user: { id: string; displayName: string };
  status: Exclude<RsvpStatus, "not_going">;
  /** 1-based place on the waitlist; null for everyone else. */
  waitlistPosition: number | null;
  since: string;
}

const ORDER: Record<Attendee["status"], number> = { going: 0, waitlisted: 1, interested: 2 };

/** Who answered (not "not going"): going, then the waitlist in order, then interested. Organisers only. */
export async function eventAttendees({ ctx, input }: { ctx: ActionContext; input: { noteId: string } }) {
  const loaded = await loadEvent(ctx, input.noteId);
  if (!loaded.organiser && ctx.actor?.role !== "admin")
    throw new Forbidden("Only the event's organisers see who is coming.");
  const rows = await ctx.db
    .select({
      id: users.id,
      displayName: users.displayName,
      status: eventRsvps.status,
      updatedAt: eventRsvps.updatedAt,
    })
    .from(eventRsvps)
    .innerJoin(users, eq(users.id, eventRsvps.userId))
    .where(and(eq(eventRsvps.noteId, loaded.event.noteId), ne(eventRsvps.status, "not_going")))
    .orderBy(asc(eventRsvps.updatedAt), asc(eventRsvps.userId))
    .all();
  let place = 0;
  const attendees: Attendee[] = rows
    .map((r) => ({ ...r, status: r.status as Attendee["status"] }))
    .sort((a, b) => ORDER[a.status] - ORDER[b.status])
    .map((r) => ({
      user: { id: r.id, displayName: r.displayName },
      status: r.status,
      waitlistPosition: r.status === "waitlisted" ? ++place : null,
      since: new Date(r.updatedAt).toISOString(),
    }));
  return { title: loaded.note.title, attendees };
}

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled. A
 * field a spreadsheet would run as a formula (starting = + - @, tab or CR) gets a leading `'`
 * (OWASP's CSV injection advice), so a display name like `=HYPERLINK(…)` stays text.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function attendeesCsv(attendees: Attendee[]): string {
  const lines = [["name", "status", "waitlist_position", "since"].join(",")];
  for (const a of attendees)
    lines.push(
      [a.user.displayName, a.status, a.waitlistPosition === null ? "" : String(a.waitlistPosition), a.since]
        .map(csvField)
        .join(","),
    );
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * The event's calendar file (RFC 5545, pro's helpers), for people going, the organisers and the
 * expert: it carries the meeting link. Anyone else who may see the event gets 403.
 */
export async function eventCalendarFile({ ctx, input }: { ctx: ActionContext; input: { noteId: string } }) {
  const loaded = await loadEvent(ctx, input.noteId);
  const { event, note, invitation } = loaded;
  const going = ctx.actor
    ? await ctx.db
        .select({ one: sql<number>`1` })
        .from(eventRsvps)
        .where(
          and(
            eq(eventRsvps.noteId, event.noteId),
            eq(eventRsvps.userId, ctx.actor.id),
            eq(eventRsvps.status, "going"),
          ),
        )
        .get()
    : undefined;
  if (!going && !loaded.organiser && !loaded.expert)
    throw new Forbidden("The calendar file is for people going.");
  const url = `${ctx.origin}/notes/${event.noteId}`;
  const place =
    invitation.format === "online" ? (invitation.meetingLink ?? "Online") : (invitation.venue ?? "");
  return eventCalendar({
    uid: `event-${event.noteId}@atas.dev`,
    sequence: invitation.version,
    stamp: invitation.updatedAt,
    start: invitation.scheduledStart ?? 0,
    end: eventEnd(invitation),
    summary: note.title,
    description: `${note.body ? `${note.body}\n\n` : ""}${url}`,
    location: place,
    url,
    cancelled: invitation.status === "cancelled",
  });
}
