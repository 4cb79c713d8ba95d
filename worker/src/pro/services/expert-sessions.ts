import { type AnyColumn, and, asc, eq, gt, inArray, lt, ne, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { ActionContext } from "../../shared/context";
import { BadRequest, Conflict } from "../../shared/errors";
import { type Invitation, invitations } from "../schema";

/** How far ahead a time may be proposed (create, edit, counter, reschedule): two years. */
export const MAX_DAYS_AHEAD = 730;

/**
 * Refuses (400 on `slots`) a proposed start more than MAX_DAYS_AHEAD days away: a session in year
 * 9999 would be an event that never ends and a calendar file with a five-digit year.
 */
export function refuseFarStarts(starts: number[], now: number) {
  if (starts.some((start) => start > now + MAX_DAYS_AHEAD * 86_400_000))
    throw new BadRequest(`Propose times at most ${MAX_DAYS_AHEAD / 365} years ahead.`, { field: "slots" });
}

/**
 * An expert holds one session at a time: their accepted and scheduled sessions are the busy times
 * that block overlapping slots in the invite form, at create, at send, on accept and on a
 * reschedule. Touching ends do not overlap.
 */
export interface Session {
  start: number;
  end: number;
}

/** The longest session (create-invitation's limit): how far before `from` a busy session can start. */
const LONGEST_SESSION = 480 * 60_000;

type SessionColumns = Record<"id" | "expertId" | "status" | "scheduledStart" | "durationMinutes", AnyColumn>;

/** The expert's other sessions that share any time with `session`. */
export function overlapping(
  table: SessionColumns,
  expertId: string,
  session: Session,
  exceptInvitationId?: string,
): SQL | undefined {
  return and(
    eq(table.expertId, expertId),
    exceptInvitationId ? ne(table.id, exceptInvitationId) : undefined,
    inArray(table.status, ["accepted", "scheduled"]),
    lt(table.scheduledStart, session.end),
    sql`${table.scheduledStart} + ${table.durationMinutes} * 60000 > ${session.start}`,
  );
}

/** The same test as a condition on the UPDATE of `invitation` (aliased, so it reads the other rows). */
export function noOverlap(invitation: Invitation, session: Session): SQL {
  const other = alias(invitations, "other");
  return sql`not exists (select 1 from ${invitations} ${sql.identifier("other")} where ${overlapping(other, invitation.expertId, session, invitation.id)})`;
}

export function sessionAt(invitation: Pick<Invitation, "durationMinutes">, start: number): Session {
  return { start, end: start + invitation.durationMinutes * 60_000 };
}

/**
 * Refuses a time that overlaps another session of the expert. The expert is told which of their
 * sessions is in the way; anyone else only that the expert is busy then (not theirs to see).
 */
export async function refuseOverlap(
  ctx: Pick<ActionContext, "db">,
  invitation: Pick<Invitation, "id" | "expertId">,
  session: Session,
  party: "requester" | "expert",
) {
  const clash = await ctx.db
    .select({ title: invitations.title, start: invitations.scheduledStart })
    .from(invitations)
    .where(overlapping(invitations, invitation.expertId, session, invitation.id))
    .get();
  if (!clash) return;
  const detail =
    party === "expert"
      ? `This time overlaps your session "${clash.title}" at ${new Date(clash.start ?? 0).toISOString()}. Choose another time or counter-propose.`
      : "This time overlaps another session the expert has already scheduled. Choose another time.";
  throw new Conflict(detail, "slot-overlaps");
}

/** The expert's busy intervals (start and end only: no titles, no requesters) that reach into [from, to). */
export async function busyIntervals(
  ctx: Pick<ActionContext, "db">,
  expertId: string,
  from: number,
  to: number,
  exceptInvitationId?: string,
): Promise<Session[]> {
  const rows = await ctx.db
    .select({ start: invitations.scheduledStart, minutes: invitations.durationMinutes })
    .from(invitations)
    .where(
      and(
        overlapping(invitations, expertId, { start: from, end: to }, exceptInvitationId),
        // Bounds the index range scan: nothing starting earlier can still be running at `from`.
        gt(invitations.scheduledStart, from - LONGEST_SESSION),
      ),
    )
    .orderBy(asc(invitations.scheduledStart))
    .all();
  return rows.map((r) => ({ start: r.start ?? 0, end: (r.start ?? 0) + r.minutes * 60_000 }));
}

/** The starts in `starts` whose session of `durationMinutes` would overlap a busy interval. */
export async function busyStarts(
  ctx: Pick<ActionContext, "db">,
  expertId: string,
  starts: number[],
  durationMinutes: number,
  exceptInvitationId?: string,
): Promise<number[]> {
  if (starts.length === 0) return [];
  const span = durationMinutes * 60_000;
  const busy = await busyIntervals(
    ctx,
    expertId,
    Math.min(...starts),
    Math.max(...starts) + span,
    exceptInvitationId,
  );
  return starts.filter((start) => busy.some((b) => b.start < start + span && b.end > start));
}

/** Refuses times the expert is already busy at: `every` only when all of them are, else any. */
export async function refuseBusyStarts(
  ctx: Pick<ActionContext, "db">,
  input: { expertId: string; starts: number[]; durationMinutes: number; invitationId?: string },
  mode: "any" | "every",
) {
  const busy = await busyStarts(ctx, input.expertId, input.starts, input.durationMinutes, input.invitationId);
  const refused = mode === "any" ? busy.length > 0 : busy.length === input.starts.length && busy.length > 0;
  if (!refused) return;
  throw new Conflict(
    mode === "any" || input.starts.length === 1
      ? "The expert already has a session at a time you proposed. Choose another time."
      : "The expert already has a session at every time proposed. Choose another time.",
    "slot-overlaps",
    { busy: busy.map((start) => new Date(start).toISOString()) },
  );
}
