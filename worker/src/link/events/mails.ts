import { and, eq, lt, or, sql } from "drizzle-orm";
import type { Mail } from "../../adapters/mailer/interface";
import { users } from "../../identity/schema";
import type { EmailJob } from "../../jobs/contracts";
import { invitationEvents, invitations } from "../../pro/schema";
import { DEFAULT_TIME_ZONE, timeZonesOf } from "../../profiles";
import type { ActionContext } from "../../shared/context";
import { layoutMail } from "../../shared/mail-layout";
import { notes } from "../notes/schema";
import { eventRsvps, events } from "./schema";

/** The mails atas-link's events send (wired in queues.ts beside the other domains'). */
export const EVENT_MAIL_KINDS = ["event-changed", "event-reminder"] as const;
export type EventMailKind = (typeof EVENT_MAIL_KINDS)[number];

/**
 * "Your event moved / was cancelled", to someone still going or waitlisted when the mail is written
 * (a person who left meanwhile gets nothing). The time is given in UTC with the way to the event
 * page, which shows it in the reader's own zone.
 */
export async function composeEventMail(
  ctx: Pick<ActionContext, "db">,
  job: EmailJob & { kind: EventMailKind },
): Promise<Mail | null> {
  if (job.kind === "event-reminder") return eventReminderMail(ctx, job);
  if (!job.eventId || !job.invitationId) return null;
  const row = await ctx.db
    .select({
      email: users.email,
      name: users.displayName,
      noteId: events.noteId,
      title: notes.title,
      start: invitations.scheduledStart,
      toStatus: invitationEvents.toStatus,
    })
    .from(eventRsvps)
    .innerJoin(users, eq(users.id, eventRsvps.userId))
    .innerJoin(events, eq(events.noteId, eventRsvps.noteId))
    .innerJoin(notes, eq(notes.id, events.noteId))
    .innerJoin(invitations, eq(invitations.id, events.invitationId))
    .innerJoin(
      invitationEvents,
      and(eq(invitationEvents.invitationId, invitations.id), eq(invitationEvents.id, job.eventId)),
    )
    .where(and(eq(events.invitationId, job.invitationId), eq(eventRsvps.userId, job.userId)))
    .get();
  if (!row) return null;
  const url = `${job.origin}/notes/${row.noteId}`;
  if (row.toStatus === "cancelled")
    return layoutMail(
      row.email,
      `Cancelled: ${row.title}`,
      [`Hi ${row.name},`, `"${row.title}", which you planned to attend, was cancelled.`],
      { label: "Open the event", url },
    );
  if (row.toStatus !== "scheduled") return null;
  return layoutMail(
    row.email,
    `New time: ${row.title}`,
    [
      `Hi ${row.name},`,
      `"${row.title}" has a new time: ${new Date(row.start ?? 0).toISOString().replace("T", " ").slice(0, 16)} UTC.`,
      "The event page shows it in your own time zone, with a new calendar file.",
    ],
    { label: "Open the event", url },
  );
}

/**
 * The morning reminder (services/events-morning.ts): to someone going, "today" or "tomorrow" (as the
 * run saw their day) with
 * the time in their own zone; to someone still waitlisted, their place in the queue. Written from
 * what holds when the mail is composed: someone who left meanwhile, or an event no longer
 * scheduled, gets nothing.
 */
async function eventReminderMail(ctx: Pick<ActionContext, "db">, job: EmailJob): Promise<Mail | null> {
  if (!job.invitationId) return null;
  const row = await ctx.db
    .select({
      email: users.email,
      name: users.displayName,
      noteId: events.noteId,
      title: notes.title,
      start: invitations.scheduledStart,
      invitationStatus: invitations.status,
      status: eventRsvps.status,
      updatedAt: eventRsvps.updatedAt,
    })
    .from(eventRsvps)
    .innerJoin(users, eq(users.id, eventRsvps.userId))
    .innerJoin(events, eq(events.noteId, eventRsvps.noteId))
    .innerJoin(notes, eq(notes.id, events.noteId))
    .innerJoin(invitations, eq(invitations.id, events.invitationId))
    .where(and(eq(events.invitationId, job.invitationId), eq(eventRsvps.userId, job.userId)))
    .get();
  if (!row || row.start === null || row.invitationStatus !== "scheduled") return null;
  const url = `${job.origin}/notes/${row.noteId}`;
  const zone = (await timeZonesOf(ctx, [job.userId])).get(job.userId) ?? DEFAULT_TIME_ZONE;
  const when = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(row.start));
  if (row.status === "waitlisted") {
    const ahead = await ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(eventRsvps)
      .where(
        and(
          eq(eventRsvps.noteId, row.noteId),
          eq(eventRsvps.status, "waitlisted"),
          or(
            lt(eventRsvps.updatedAt, row.updatedAt),
            and(eq(eventRsvps.updatedAt, row.updatedAt), lt(eventRsvps.userId, job.userId)),
          ),
        ),
      )
      .get();
    return layoutMail(
      row.email,
      `Waitlist: ${row.title}`,
      [
        `Hi ${row.name},`,
        `"${row.title}" is on ${when} (${zone}). It is full and you are number ${(ahead?.n ?? 0) + 1} on the waitlist.`,
        "If someone going leaves, the first on the waitlist takes the place at once and is told.",
      ],
      { label: "Open the event", url },
    );
  }
  if (row.status !== "going") return null;
  return layoutMail(
    row.email,
    `${job.day === "today" ? "Today" : "Tomorrow"}: ${row.title}`,
    [`Hi ${row.name},`, `You are going to "${row.title}" on ${when} (${zone}).`],
    { label: "Open the event", url },
  );
}
