import { and, eq } from "drizzle-orm";
import type { Mail } from "../../adapters/mailer/interface";
import { users } from "../../identity/schema";
import type { EmailJob } from "../../jobs/contracts";
import { invitationEvents, invitations } from "../../pro/schema";
import type { ActionContext } from "../../shared/context";
import { layoutMail } from "../../shared/mail-layout";
import { notes } from "../notes/schema";
import { eventRsvps, events } from "./schema";

/** The mails atas-link's events send (wired in queues.ts beside the other domains'). */
export const EVENT_MAIL_KINDS = ["event-changed"] as const;
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
