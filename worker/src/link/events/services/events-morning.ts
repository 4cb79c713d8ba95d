import { and, eq, gt, inArray, lte } from "drizzle-orm";
import type { EmailJob } from "../../../jobs/contracts";
import { claimMorning, localClock, type Morning, type MorningClaim } from "../../../jobs/morning";
import { invitations } from "../../../pro/schema";
import { timeZonesOf } from "../../../profiles";
import type { ActionContext } from "../../../shared/context";
import { eventRsvps, events } from "../schema";

const HOUR = 3600_000;
const QUEUE_BATCH = 100;

/** The morning reminders events send; the mail says which (events/mails.ts). */
export const EVENT_REMINDER_KINDS = ["event-today", "event-tomorrow", "event-waitlist"] as const;
type EventReminderKind = (typeof EVENT_REMINDER_KINDS)[number];

interface EventReminder extends MorningClaim {
  kind: EventReminderKind;
  invitationId: string;
  day: "today" | "tomorrow";
}

/**
 * atas-link's part of the morning run (schedule.ts's MORNING_STEPS): everyone going to an event
 * today or tomorrow, in their own zone, hears of it at their 06:00; someone still waitlisted for
 * it hears where they stand, so a promotion or a lost place is never a surprise on the day. Each
 * is claimed once per (event, kind, person, local date).
 */
export async function eventsMorning(ctx: ActionContext, morning: Morning) {
  const now = morning.now;
  const rows = await ctx.db
    .select({
      noteId: events.noteId,
      invitationId: events.invitationId,
      start: invitations.scheduledStart,
      userId: eventRsvps.userId,
      status: eventRsvps.status,
    })
    .from(events)
    .innerJoin(invitations, eq(invitations.id, events.invitationId))
    .innerJoin(eventRsvps, eq(eventRsvps.noteId, events.noteId))
    .where(
      and(
        eq(invitations.status, "scheduled"),
        gt(invitations.scheduledStart, now),
        // Tomorrow ends at most 42 hours after 06:00 today (a 25-hour day), in any zone.
        lte(invitations.scheduledStart, now + 50 * HOUR),
        inArray(eventRsvps.status, ["going", "waitlisted"]),
      ),
    )
    .all();
  const zones = await timeZonesOf(
    ctx,
    rows.map((r) => r.userId),
  );
  const reminders: EventReminder[] = [];
  for (const row of rows) {
    const zone = zones.get(row.userId);
    const today = zone ? morning.today(zone) : null;
    if (!zone || !today || row.start === null) continue;
    const day = localClock(row.start, zone)?.date;
    const soon = day === today || day === morning.tomorrow(zone);
    if (!soon) continue;
    const kind: EventReminderKind =
      row.status === "waitlisted" ? "event-waitlist" : day === today ? "event-today" : "event-tomorrow";
    reminders.push({
      subjectId: row.noteId,
      kind,
      recipientId: row.userId,
      localDate: today,
      invitationId: row.invitationId,
      day: day === today ? "today" : "tomorrow",
    });
  }
  const claimed = await claimMorning(ctx.db, reminders);
  const jobs: EmailJob[] = claimed.map((r) => ({
    kind: "event-reminder",
    key: `${r.kind}:${r.subjectId}:${r.recipientId}:${r.localDate}`,
    userId: r.recipientId,
    origin: ctx.origin,
    invitationId: r.invitationId,
    day: r.day,
  }));
  for (let i = 0; i < jobs.length; i += QUEUE_BATCH)
    await ctx.env.EMAIL_QUEUE.sendBatch(
      jobs.slice(i, i + QUEUE_BATCH).map((body) => ({ body, contentType: "json" as const })),
    );
  return {
    eventReminders: claimed.filter((r) => r.kind !== "event-waitlist").length,
    waitlistReminders: claimed.filter((r) => r.kind === "event-waitlist").length,
    mailsQueued: jobs.length,
  };
}
