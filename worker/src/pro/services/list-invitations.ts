import { and, asc, desc, eq, gt, inArray, isNotNull, lt, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { clubOfficers } from "../../clubs/schema";
import { users } from "../../identity/schema";
import type { ActionContext } from "../../shared/context";
import { decodeCursor, encodeCursor } from "../../shared/cursor";
import { Unauthorized } from "../../shared/errors";
import { type InvitationState, invitations, invitationTallies } from "../schema";
import { invitationSummary } from "./read-invitation";

export const BUCKETS = {
  pending: ["draft", "sent", "countered"],
  upcoming: ["scheduled"],
  past: ["completed", "declined", "cancelled", "expired"],
} as const satisfies Record<string, readonly InvitationState[]>;
export type Bucket = keyof typeof BUCKETS;

/**
 * The dashboard: invitations the user sent (for themselves or a club they are an officer of)
 * and those they received as an expert, in one bucket, with the count of every bucket.
 */
export async function listInvitations({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { bucket: Bucket; limit: number; cursor?: string | undefined };
}) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  // The user and every club they serve, as a subquery rather than bound ids: an officer of 100+
  // clubs would pass D1's 100-parameter limit.
  const requesterIds = sql`(select ${actor.id} union all select ${clubOfficers.clubId} from ${clubOfficers} where ${clubOfficers.userId} = ${actor.id})`;
  // One index range per side (requester_id, status, …) and (expert_id, status, …); an OR across the
  // two columns would make SQLite scan. Experts see what was sent to them, never drafts.
  const asRequester = sql`${invitations.requesterId} in ${requesterIds}`;
  const asExpert = and(eq(invitations.expertId, actor.id), isNotNull(invitations.sentAt));
  const states = [...BUCKETS[input.bucket]];
  // Upcoming sessions soonest first; the other buckets most recently changed first. Ties by id.
  const ascending = input.bucket === "upcoming";
  const sortColumn = ascending ? invitations.scheduledStart : invitations.updatedAt;
  const after = input.cursor ? decodeCursor(input.cursor, DashboardCursor) : null;
  const seek = after
    ? ascending
      ? or(gt(sortColumn, after.k), and(eq(sortColumn, after.k), gt(invitations.id, after.id)))
      : or(lt(sortColumn, after.k), and(eq(sortColumn, after.k), lt(invitations.id, after.id)))
    : undefined;
  // `+scheduled_start` keeps SQLite off (status, scheduled_start), which orders every scheduled
  // session of every user and filters them to this one (18,148 rows read for 20 at 100,000
  // invitations); the side's own (requester_id | expert_id, status, …) range is then read and sorted.
  const order = ascending
    ? [asc(sql`+${sortColumn}`), asc(invitations.id)]
    : [desc(sortColumn), desc(invitations.id)];
  const page = (
    side: SQL | undefined,
    counterpart: typeof invitations.expertId | typeof invitations.requesterId,
  ) =>
    ctx.db
      .select({ invitation: invitations, counterpartName: users.displayName })
      .from(invitations)
      .leftJoin(users, eq(users.id, counterpart))
      .where(and(side, inArray(invitations.status, states), seek))
      .orderBy(...order)
      .limit(input.limit + 1);
  // Counts come from the trigger-kept tallies: a few rows per side, however many invitations.
  const tallyOf = (side: "requester" | "expert", ids: SQL) =>
    ctx.db
      .select({ status: invitationTallies.status, n: invitationTallies.n })
      .from(invitationTallies)
      .where(and(sql`${invitationTallies.userId} in ${ids}`, eq(invitationTallies.side, side)));
  const [sentCounts, receivedCounts, sentRows, receivedRows] = await ctx.db.batch([
    tallyOf("requester", requesterIds),
    tallyOf("expert", sql`(${actor.id})`),
    page(asRequester, invitations.expertId),
    page(asExpert, invitations.requesterId),
  ]);
  const counts = [...sentCounts, ...receivedCounts];
  const sortKey = (r: (typeof sentRows)[number]) =>
    ascending ? (r.invitation.scheduledStart ?? 0) : r.invitation.updatedAt;
  const direction = ascending ? 1 : -1;
  const merged = [...sentRows, ...receivedRows].sort(
    (a, b) =>
      direction * (sortKey(a) - sortKey(b)) || direction * a.invitation.id.localeCompare(b.invitation.id),
  );
  const rows = merged.slice(0, input.limit);
  const last = rows.at(-1);
  const nextCursor =
    merged.length > input.limit && last ? encodeCursor({ k: sortKey(last), id: last.invitation.id }) : null;
  const tally = Object.fromEntries(
    Object.entries(BUCKETS).map(([bucket, states]) => [
      bucket,
      counts.filter((c) => (states as readonly string[]).includes(c.status)).reduce((sum, c) => sum + c.n, 0),
    ]),
  ) as Record<Bucket, number>;
  return {
    counts: tally,
    invitations: rows.map((r) => ({
      ...invitationSummary(r.invitation),
      side: r.invitation.expertId === actor.id ? ("expert" as const) : ("requester" as const),
      counterpartName: r.counterpartName ?? "",
    })),
    nextCursor,
  };
}

const DashboardCursor = z.object({ k: z.number(), id: z.string().max(64) });
