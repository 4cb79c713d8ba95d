import { and, eq, inArray } from "drizzle-orm";
import type { Env } from "../../../env";
import type { FanoutJob } from "../../../jobs/contracts";
import { notify } from "../../../notifications";
import { invitationEvents, invitations } from "../../../pro/schema";
import { DEFAULT_TIME_ZONE, timeZonesOf } from "../../../profiles";
import { type Adapters, systemContext } from "../../../shared/context";
import { noteChanged } from "../../feeds/services/candidate-sets";
import { notes } from "../../notes/schema";
import { eventRsvps, events } from "../schema";

export type InvitationChangedJob = Extract<FanoutJob, { kind: "invitation-changed" }>;

/**
 * An event's invitation was rescheduled, cancelled or completed (pro queues this after its commit).
 * The event reads its time and status from the invitation, so the page is already current; this
 * tells everyone going or waitlisted, once per history event and person (the notification's dedupe
 * key), so a retried job tells nobody twice. No event for the invitation: nothing to do.
 */
export async function runInvitationChanged(env: Env, adapters: Adapters, job: InvitationChangedJob) {
  const pending: Promise<unknown>[] = [];
  const ctx = systemContext(env, adapters, (p) => pending.push(p));
  const { db } = ctx;
  const [found, history] = await db.batch([
    db
      .select({ noteId: events.noteId, title: notes.title, start: invitations.scheduledStart })
      .from(events)
      .innerJoin(notes, eq(notes.id, events.noteId))
      .innerJoin(invitations, eq(invitations.id, events.invitationId))
      .where(eq(events.invitationId, job.invitationId)),
    db
      .select({ toStatus: invitationEvents.toStatus, action: invitationEvents.action })
      .from(invitationEvents)
      .where(
        and(eq(invitationEvents.id, job.historyEventId), eq(invitationEvents.invitationId, job.invitationId)),
      ),
  ]);
  const event = found[0];
  const change = history[0];
  if (!event || !change) return { told: 0 };
  const people = await db
    .select({ userId: eventRsvps.userId })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.noteId, event.noteId), inArray(eventRsvps.status, ["going", "waitlisted"])))
    .all();
  // A new time is told on each person's own clock, as their mail tells it.
  const zones =
    change.toStatus === "scheduled"
      ? await timeZonesOf(
          ctx,
          people.map((p) => p.userId),
        )
      : new Map();
  const textFor = (userId: string) =>
    change.toStatus === "cancelled"
      ? `"${event.title}" was cancelled.`
      : change.toStatus === "completed"
        ? `"${event.title}" has taken place. Thank you for coming!`
        : `"${event.title}" has a new time: ${localTime(event.start ?? 0, zones.get(userId) ?? DEFAULT_TIME_ZONE)}.`;
  for (const { userId } of people) {
    await notify(
      ctx,
      userId,
      { type: "event.changed", text: textFor(userId) },
      { dedupeKey: `event-change:${job.historyEventId}:${userId}` },
    );
    // A moved or cancelled event is worth a mail; the mail job is keyed too, so it goes once.
    if (change.toStatus === "cancelled" || change.toStatus === "scheduled")
      await env.EMAIL_QUEUE.send(
        {
          kind: "event-changed",
          key: `event-changed:${job.historyEventId}:${userId}`,
          userId,
          origin: ctx.origin,
          eventId: job.historyEventId,
          invitationId: job.invitationId,
        },
        { contentType: "json" },
      );
  }
  // A cancelled or finished event leaves the discovery sets; a moved one is placed again.
  noteChanged(ctx, event.noteId);
  await Promise.allSettled(pending);
  return { told: people.length };
}

/** "Sunday, 1 June 2031, 17:00 (Asia/Kuala_Lumpur)": an instant on one person's clock, the zone named. */
function localTime(instant: number, timeZone: string): string {
  const date = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(instant);
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(instant);
  return `${date}, ${time} (${timeZone})`;
}
