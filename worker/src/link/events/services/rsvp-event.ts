import { and, eq, sql } from "drizzle-orm";
import { notify } from "../../../notifications";
import { type ActionContext, me } from "../../../shared/context";
import { Conflict } from "../../../shared/errors";
import { enforce } from "../../../shared/rate-limit";
import { type RsvpIntent, rsvpStep } from "../rsvp-machine";
import { eventRsvps, events } from "../schema";
import { eventItem, loadEvent, phaseOf } from "./event-views";

/**
 * The seat-free test and the promotion, in SQL, for `rsvp-machine.ts`'s rules. Each statement runs
 * whole against the counts every earlier statement left (the triggers keep them in the same
 * statement), so going never passes capacity, however many answer at once.
 */
function answerStatement(
  ctx: ActionContext,
  noteId: string,
  userId: string,
  intent: RsvpIntent,
  now: number,
) {
  const chosen =
    intent === "going"
      ? sql`case when e.going_count < e.capacity then 'going' else 'waitlisted' end`
      : sql`${intent}`;
  // Going or waitlisted stay as they are when "going" is said again (a seat kept, a place kept).
  const kept =
    intent === "going"
      ? sql`case when event_rsvps.status in ('going', 'waitlisted') then event_rsvps.status else excluded.status end`
      : sql`excluded.status`;
  return ctx.db.run(sql`
    insert into event_rsvps (note_id, user_id, status, updated_at)
    select e.note_id, ${userId}, ${chosen}, ${now}
    from events e join invitations i on i.id = e.invitation_id
    where e.note_id = ${noteId} and i.status = 'scheduled'
      and i.scheduled_start + i.duration_minutes * 60000 > ${now}
    on conflict (note_id, user_id) do update set
      status = ${kept},
      updated_at = case when event_rsvps.status = ${kept} then event_rsvps.updated_at else excluded.updated_at end`);
}

/** Free seats go to the waitlist's oldest entries (`promote` in rsvp-machine.ts); returns who moved up. */
export function promoteStatement(ctx: ActionContext, noteId: string, now: number) {
  return ctx.db.all<{ user_id: string }>(sql`
    update event_rsvps set status = 'going', updated_at = ${now}
    where note_id = ${noteId} and user_id in (
      select user_id from event_rsvps
      where note_id = ${noteId} and status = 'waitlisted'
      order by updated_at, user_id
      limit max(0, (select capacity - going_count from events where note_id = ${noteId})))
    returning user_id`);
}

/** Going, interested or not going, for someone who may see the event while it is open. */
export async function rsvpEvent({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { noteId: string; status: RsvpIntent };
}) {
  const actor = me(ctx);
  const loaded = await loadEvent(ctx, input.noteId);
  await enforce(ctx.env, "likeUser", actor.id);
  const now = Date.now();
  const current = await ctx.db
    .select({ status: eventRsvps.status })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.noteId, loaded.event.noteId), eq(eventRsvps.userId, actor.id)))
    .get();
  const step = rsvpStep(current?.status ?? null, input.status, {
    phase: phaseOf(loaded.invitation, now),
    seatFree: loaded.event.goingCount < loaded.event.capacity,
  });
  if (!step.ok) throw new Conflict(step.reason, "event-closed");
  const [, promoted] = await ctx.db.batch([
    answerStatement(ctx, loaded.event.noteId, actor.id, input.status, now),
    promoteStatement(ctx, loaded.event.noteId, now),
  ]);
  await tellPromoted(
    ctx,
    loaded.event.noteId,
    loaded.note.title,
    promoted.map((p) => p.user_id),
  );
  return eventItem(ctx, await loadEvent(ctx, loaded.event.noteId));
}

/** People who moved up from the waitlist hear it (once per move). */
export async function tellPromoted(ctx: ActionContext, noteId: string, title: string, userIds: string[]) {
  for (const userId of userIds)
    await notify(
      ctx,
      userId,
      { type: "event.seat", text: `A seat freed up: you are going to "${title}".` },
      { dedupeKey: `event-seat:${noteId}:${userId}:${Date.now()}` },
    );
}

/** The counts as stored (the triggers' work), for tests and the page. */
export async function eventCounts(ctx: ActionContext, noteId: string) {
  return ctx.db
    .select({
      going: events.goingCount,
      interested: events.interestedCount,
      waitlisted: events.waitlistCount,
    })
    .from(events)
    .where(eq(events.noteId, noteId))
    .get();
}
