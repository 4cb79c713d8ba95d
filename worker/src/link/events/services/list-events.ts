import { and, asc, desc, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { memberCampus } from "../../../identity";
import { users } from "../../../identity/schema";
import { invitations } from "../../../pro/schema";
import type { ActionContext } from "../../../shared/context";
import { NotFound, Unauthorized } from "../../../shared/errors";
import { notes } from "../../notes/schema";
import { blockedEitherWay, listedNotes } from "../../notes/services/visibility";
import { eventRsvps, events } from "../schema";
import { eventItems, expertNotBlockedSql, upcomingSql } from "./event-views";

export const EVENT_SCOPES = ["campus", "following", "mine"] as const;
export type EventScope = (typeof EVENT_SCOPES)[number];

const MAX_EVENTS = 50;

function rowsWhere(ctx: ActionContext, where: SQL | undefined, limit: number, latestFirst = false) {
  return ctx.db
    .select({ event: events, note: notes, invitation: invitations })
    .from(events)
    .innerJoin(notes, eq(notes.id, events.noteId))
    .innerJoin(invitations, eq(invitations.id, events.invitationId))
    .where(where)
    .orderBy(
      ...(latestFirst
        ? [desc(invitations.scheduledStart), desc(events.noteId)]
        : [asc(invitations.scheduledStart), asc(events.noteId)]),
    )
    .limit(limit)
    .all();
}

/**
 * Upcoming events, soonest first, every one through the notes' list rule (`listedNotes`), so a
 * campus-only event never reaches another campus or a signed-out reader:
 * - `campus`: on the viewer's verified campus (signed out: public events anywhere);
 * - `following`: organised by someone the viewer follows, or with an expert they follow (named publicly);
 * - `mine`: the viewer's RSVPs (going, waitlisted, interested) and the events they organise.
 */
export async function listEvents({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { scope: EventScope; limit?: number | undefined };
}) {
  const viewer = ctx.actor;
  const now = Date.now();
  const limit = Math.min(input.limit ?? 20, MAX_EVENTS);
  if (!viewer && input.scope !== "campus") throw new Unauthorized();
  let scoped: SQL | undefined;
  switch (input.scope) {
    case "campus": {
      const campus = viewer ? memberCampus(viewer) : null;
      scoped = campus ? eq(notes.campusId, campus) : viewer ? sql`0` : undefined;
      break;
    }
    case "following":
      scoped = sql`exists (select 1 from follows f where f.follower_id = ${viewer?.id ?? ""} and (f.followee_id = ${events.organiserId} or (f.followee_id = ${invitations.expertId} and ${invitations.expertNamedPublicly} = 1)))`;
      break;
    case "mine":
      scoped = or(
        sql`exists (select 1 from ${eventRsvps} r where r.note_id = ${events.noteId} and r.user_id = ${viewer?.id ?? ""} and r.status <> 'not_going')`,
        eq(events.organiserId, viewer?.id ?? ""),
        sql`exists (select 1 from club_officers o where o.club_id = ${events.organiserId} and o.user_id = ${viewer?.id ?? ""})`,
      );
      break;
    default: {
      const never: never = input.scope;
      throw new NotFound(`No scope ${String(never)}.`);
    }
  }
  const rows = await rowsWhere(
    ctx,
    and(upcomingSql(now), listedNotes(viewer), viewer ? expertNotBlockedSql(viewer.id) : undefined, scoped),
    limit,
  );
  return { events: await eventItems(ctx, rows) };
}

/**
 * A profile's events: those the user organises, and (named publicly) those where they are the
 * expert; upcoming soonest first, then past ones (`when`). Listed as every note list is.
 */
export async function listUserEvents({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { userId: string; when: "upcoming" | "past"; limit?: number | undefined };
}) {
  const viewer = ctx.actor;
  const user = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).get();
  if (!user) throw new NotFound("No such user.");
  if (viewer && (await blockedEitherWay(ctx, viewer.id, user.id))) throw new NotFound("No such user.");
  const now = Date.now();
  const limit = Math.min(input.limit ?? 20, MAX_EVENTS);
  const theirs = or(
    eq(events.organiserId, user.id),
    and(eq(invitations.expertId, user.id), eq(invitations.expertNamedPublicly, true)),
  );
  const when =
    input.when === "upcoming"
      ? upcomingSql(now)
      : sql`not (${upcomingSql(now)}) and ${inArray(invitations.status, ["scheduled", "completed"])}`;
  const rows = await rowsWhere(
    ctx,
    and(when, listedNotes(viewer), viewer ? expertNotBlockedSql(viewer.id) : undefined, theirs),
    limit,
    input.when === "past",
  );
  return { events: await eventItems(ctx, rows) };
}
