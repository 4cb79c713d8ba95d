import { and, eq, sql } from "drizzle-orm";
import { clubOfficers } from "../../../clubs/schema";
import { inJsonList } from "../../../db/client";
import type { User } from "../../../identity/schema";
import { users } from "../../../identity/schema";
import { type Invitation, invitations } from "../../../pro/schema";
import type { ActionContext } from "../../../shared/context";
import { NotFound } from "../../../shared/errors";
import type { Note } from "../../notes/schema";
import { notes } from "../../notes/schema";
import { type NoteView, noteViews } from "../../notes/services/notes";
import { blockedEitherWay, canSee } from "../../notes/services/visibility";
import type { EventPhase } from "../rsvp-machine";
import { type Event, eventRsvps, events, type RsvpStatus } from "../schema";

/** The kinds of invitation that make sense as a campus event. */
export const EVENT_KINDS: ReadonlySet<Invitation["kind"]> = new Set(["talk", "workshop", "panel"]);

export const eventEnd = (invitation: Pick<Invitation, "scheduledStart" | "durationMinutes">) =>
  (invitation.scheduledStart ?? 0) + invitation.durationMinutes * 60_000;

/** The event's phase, read from its invitation: the event page is always as current as the invitation. */
export function phaseOf(invitation: Invitation, now: number): EventPhase {
  if (invitation.status === "cancelled") return "cancelled";
  if (invitation.status === "completed") return "completed";
  if (invitation.status !== "scheduled" || eventEnd(invitation) <= now) return "ended";
  return "upcoming";
}

/** SQL: the event (joined with its invitation as `invitations`) is still ahead of us or under way. */
export const upcomingSql = (now: number) =>
  sql`${invitations.status} = 'scheduled' and ${invitations.scheduledStart} + ${invitations.durationMinutes} * 60000 > ${now}`;

export interface LoadedEvent {
  event: Event;
  note: Note;
  invitation: Invitation;
  /** The viewer acts for the organiser: they are it, or an officer of its club. */
  organiser: boolean;
  /** The viewer is the invited expert. */
  expert: boolean;
}

/** Whether `user` acts for the organiser: it is them, or an officer of the club. */
export async function actsForOrganiser(ctx: ActionContext, user: User | null, organiserId: string) {
  if (!user) return false;
  if (user.id === organiserId) return true;
  const officer = await ctx.db
    .select({ one: sql<number>`1` })
    .from(clubOfficers)
    .where(and(eq(clubOfficers.clubId, organiserId), eq(clubOfficers.userId, user.id)))
    .get();
  return officer !== undefined;
}

/**
 * SQL for event lists: the viewer and the event's expert (the joined `invitations`) have no block
 * either way, as `listedNotes` asks of the note's author; the same rule as `loadEvent`'s.
 */
export const expertNotBlockedSql = (viewerId: string) =>
  sql`not exists (select 1 from blocks b where (b.blocker_id = ${viewerId} and b.blocked_id = ${invitations.expertId}) or (b.blocker_id = ${invitations.expertId} and b.blocked_id = ${viewerId}))`;

/**
 * An event the viewer may see: the note's own rule (`canSee`: visibility, blocks, moderation) and
 * no block either way with its expert (the event is the expert's session: no name, no seat, no
 * meeting link across a block); its two sides (organisers and the expert) always. Anyone else gets
 * 404, as for a missing id.
 */
export async function loadEvent(ctx: ActionContext, noteId: string): Promise<LoadedEvent> {
  const row = await ctx.db
    .select({ event: events, note: notes, invitation: invitations })
    .from(events)
    .innerJoin(notes, eq(notes.id, events.noteId))
    .innerJoin(invitations, eq(invitations.id, events.invitationId))
    .where(eq(events.noteId, noteId))
    .get();
  const missing = new NotFound("No such event.");
  if (!row) throw missing;
  const viewer = ctx.actor;
  const organiser = await actsForOrganiser(ctx, viewer, row.event.organiserId);
  const expert = viewer !== null && viewer.id === row.invitation.expertId;
  if (organiser || expert) return { ...row, organiser, expert };
  if (!(await canSee(ctx, viewer, row.note))) throw missing;
  if (viewer && (await blockedEitherWay(ctx, viewer.id, row.invitation.expertId))) throw missing;
  return { ...row, organiser, expert };
}

export interface EventBlock {
  noteId: string;
  title: string;
  kind: Invitation["kind"];
  organiser: { id: string; displayName: string };
  /** Null when the expert did not agree to be named publicly. */
  expert: { id: string; displayName: string } | null;
  startsAt: string;
  endsAt: string;
  phase: EventPhase;
  format: Invitation["format"];
  venue: string | null;
  /** Only for people going, the organisers and the expert; null for everyone else. */
  meetingLink: string | null;
  capacity: number;
  counts: { going: number; interested: number; waitlisted: number };
  recapNoteId: string | null;
  viewer: { rsvp: RsvpStatus | null; organiser: boolean; expert: boolean };
}

export interface EventItem {
  note: NoteView;
  event: EventBlock;
}

/**
 * Notes and event blocks for rows the caller already checked the viewer may see, in their order;
 * two round trips whatever the count (note views, then names, RSVPs and officer ties together).
 */
export async function eventItems(
  ctx: ActionContext,
  rows: { event: Event; note: Note; invitation: Invitation }[],
): Promise<EventItem[]> {
  if (rows.length === 0) return [];
  const viewerId = ctx.actor?.id ?? "";
  const people = [...new Set(rows.flatMap((r) => [r.event.organiserId, r.invitation.expertId]))];
  const ids = rows.map((r) => r.event.noteId);
  const [views, [names, rsvps, officerOf]] = await Promise.all([
    noteViews(
      ctx,
      rows.map((r) => r.note),
    ),
    ctx.db.batch([
      ctx.db
        .select({ id: users.id, displayName: users.displayName })
        .from(users)
        .where(inJsonList(users.id, people)),
      ctx.db
        .select({ noteId: eventRsvps.noteId, status: eventRsvps.status })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.userId, viewerId), inJsonList(eventRsvps.noteId, ids))),
      ctx.db
        .select({ clubId: clubOfficers.clubId })
        .from(clubOfficers)
        .where(and(eq(clubOfficers.userId, viewerId), inJsonList(clubOfficers.clubId, people))),
    ]),
  ]);
  const nameOf = new Map(names.map((n) => [n.id, n.displayName]));
  const rsvpOf = new Map(rsvps.map((r) => [r.noteId, r.status]));
  const officer = new Set(officerOf.map((o) => o.clubId));
  const now = Date.now();
  return rows.flatMap((row, i) => {
    const note = views[i];
    if (!note) return [];
    const { event, invitation } = row;
    const organiser = viewerId !== "" && (viewerId === event.organiserId || officer.has(event.organiserId));
    const expert = viewerId !== "" && viewerId === invitation.expertId;
    const rsvp = rsvpOf.get(event.noteId) ?? null;
    const seesLink = organiser || expert || rsvp === "going";
    return [
      {
        note,
        event: {
          noteId: event.noteId,
          title: note.title,
          kind: invitation.kind,
          organiser: { id: event.organiserId, displayName: nameOf.get(event.organiserId) ?? "" },
          expert:
            invitation.expertNamedPublicly || expert || organiser
              ? { id: invitation.expertId, displayName: nameOf.get(invitation.expertId) ?? "" }
              : null,
          startsAt: new Date(invitation.scheduledStart ?? 0).toISOString(),
          endsAt: new Date(eventEnd(invitation)).toISOString(),
          phase: phaseOf(invitation, now),
          format: invitation.format,
          venue: invitation.format === "onsite" ? invitation.venue : null,
          meetingLink: seesLink ? invitation.meetingLink : null,
          capacity: event.capacity,
          counts: {
            going: event.goingCount,
            interested: event.interestedCount,
            waitlisted: event.waitlistCount,
          },
          recapNoteId: event.recapNoteId,
          viewer: { rsvp, organiser, expert },
        },
      },
    ];
  });
}

/** One event as its viewer sees it. */
export async function eventItem(ctx: ActionContext, loaded: LoadedEvent): Promise<EventItem> {
  const [item] = await eventItems(ctx, [loaded]);
  if (!item) throw new NotFound("No such event.");
  return item;
}
