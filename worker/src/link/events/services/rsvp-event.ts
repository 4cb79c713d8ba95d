import { and, eq, or, sql } from "drizzle-orm";
import { notify } from "../../../notifications";
import { invitations } from "../../../pro/schema";
import { type ActionContext, me } from "../../../shared/context";
import { Conflict } from "../../../shared/errors";
import { enforce } from "../../../shared/rate-limit";
import { notes } from "../../notes/schema";
import { type RsvpIntent, rsvpStep } from "../rsvp-machine";
import { eventRsvps, events, type RsvpStatus } from "../schema";
import { eventItem, loadEvent, phaseOf, upcomingSql } from "./event-views";

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
      ? sql<RsvpStatus>`case when ${events.goingCount} < ${events.capacity} then 'going' else 'waitlisted' end`
      : sql<RsvpStatus>`${intent}`;
  // Going or waitlisted stay as they are when "going" is said again (a seat kept, a place kept).
  const kept =
    intent === "going"
      ? sql`case when ${eventRsvps.status} in ('going', 'waitlisted') then ${eventRsvps.status} else excluded.status end`
      : sql`excluded.status`;
  return ctx.db
    .insert(eventRsvps)
    .select(
      ctx.db
        .select({
          noteId: events.noteId,
          userId: sql<string>`${userId}`.as("user_id"),
          status: chosen.as("status"),
          updatedAt: sql<number>`${now}`.as("updated_at"),
        })
        .from(events)
        .innerJoin(invitations, eq(invitations.id, events.invitationId))
        .where(and(eq(events.noteId, noteId), upcomingSql(now))),
    )
    .onConflictDoUpdate({
      target: [eventRsvps.noteId, eventRsvps.userId],
      set: {
        status: kept,
        updatedAt: sql`case when ${eventRsvps.status} = ${kept} then ${eventRsvps.updatedAt} else excluded.updated_at end`,
      },
    });
}

/** Free seats go to the waitlist's oldest entries (`promote` in rsvp-machine.ts); returns who moved up. */
export function promoteStatement(ctx: ActionContext, noteId: string, now: number) {
  return ctx.db
    .update(eventRsvps)
    .set({ status: "going", updatedAt: now })
    .where(
      and(
        eq(eventRsvps.noteId, noteId),
        sql`${eventRsvps.userId} in (
          select r.user_id from event_rsvps r
          where r.note_id = ${noteId} and r.status = 'waitlisted'
          order by r.updated_at, r.user_id
          limit max(0, (select e.capacity - e.going_count from events e where e.note_id = ${noteId})))`,
      ),
    )
    .returning({ userId: eventRsvps.userId });
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
    promoted.map((p) => p.userId),
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

/**
 * A block ends every event tie between two people (blocks/services/blocks.ts): an answer by one to
 * an event the other organises or speaks at is taken back, and a seat it held goes to the
 * waitlist's first at once, who is told.
 */
export async function endEventTies(ctx: ActionContext, a: string, b: string) {
  const by = (user: string, other: string) =>
    and(eq(eventRsvps.userId, user), or(eq(events.organiserId, other), eq(invitations.expertId, other)));
  const ties = await ctx.db
    .select({ noteId: events.noteId, userId: eventRsvps.userId, title: notes.title })
    .from(eventRsvps)
    .innerJoin(events, eq(events.noteId, eventRsvps.noteId))
    .innerJoin(invitations, eq(invitations.id, events.invitationId))
    .innerJoin(notes, eq(notes.id, events.noteId))
    .where(or(by(a, b), by(b, a)))
    .all();
  const now = Date.now();
  for (const tie of ties) {
    const [, promoted] = await ctx.db.batch([
      ctx.db
        .delete(eventRsvps)
        .where(and(eq(eventRsvps.noteId, tie.noteId), eq(eventRsvps.userId, tie.userId))),
      promoteStatement(ctx, tie.noteId, now),
    ]);
    await tellPromoted(
      ctx,
      tie.noteId,
      tie.title,
      promoted.map((p) => p.userId),
    );
  }
}
