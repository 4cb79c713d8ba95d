import { and, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import { users } from "../../identity/schema";
import { clubOfficers } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import { Unauthorized } from "../../shared/errors";
import { type InvitationState, invitations } from "../schema";
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
  input: { bucket: Bucket; limit: number };
}) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const clubs = await ctx.db
    .select({ id: clubOfficers.clubId })
    .from(clubOfficers)
    .where(eq(clubOfficers.userId, actor.id))
    .all();
  const requesterIds = [actor.id, ...clubs.map((c) => c.id)];
  const mine = or(
    inArray(invitations.requesterId, requesterIds),
    // Experts see what was sent to them, never drafts.
    and(eq(invitations.expertId, actor.id), isNotNull(invitations.sentAt)),
  );
  const counterpart = sql<string>`case when ${invitations.expertId} = ${actor.id} then ${invitations.requesterId} else ${invitations.expertId} end`;
  const [counts, rows] = await ctx.db.batch([
    ctx.db
      .select({ status: invitations.status, n: sql<number>`count(*)` })
      .from(invitations)
      .where(mine)
      .groupBy(invitations.status),
    ctx.db
      .select({ invitation: invitations, counterpartName: users.displayName })
      .from(invitations)
      .leftJoin(users, eq(users.id, counterpart))
      .where(and(mine, inArray(invitations.status, [...BUCKETS[input.bucket]])))
      .orderBy(input.bucket === "upcoming" ? invitations.scheduledStart : desc(invitations.updatedAt))
      .limit(input.limit),
  ]);
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
  };
}
