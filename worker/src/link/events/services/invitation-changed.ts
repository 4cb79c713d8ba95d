import { and, eq, inArray } from "drizzle-orm";
import type { Env } from "../../../env";
import type { FanoutJob } from "../../../jobs/contracts";
import { notify } from "../../../notifications";
import { invitationEvents, invitations } from "../../../pro/schema";
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
  const text =
    change.toStatus === "cancelled"
      ? `"${event.title}" was cancelled.`
      : change.toStatus === "completed"
        ? `"${event.title}" has taken place. Thank you for coming!`
        : `"${event.title}" has a new time: ${new Date(event.start ?? 0).toISOString()} (see the event for your local time).`;
  const people = await db
    .select({ userId: eventRsvps.userId })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.noteId, event.noteId), inArray(eventRsvps.status, ["going", "waitlisted"])))
    .all();
  for (const { userId } of people) {
    await notify(
      ctx,
      userId,
      { type: "event.changed", text },
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
