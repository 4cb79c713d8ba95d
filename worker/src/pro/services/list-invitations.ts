import { and, asc, desc, eq, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import { users } from "../../identity/schema";
import { clubOfficers } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
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
  // One index range per side (requester_id, status, …) and (expert_id, status, …); an OR across the
  // two columns would make SQLite scan. Experts see what was sent to them, never drafts.
  const asRequester = inArray(invitations.requesterId, requesterIds);
  const asExpert = and(eq(invitations.expertId, actor.id), isNotNull(invitations.sentAt));
  const states = [...BUCKETS[input.bucket]];
  const order = input.bucket === "upcoming" ? asc(invitations.scheduledStart) : desc(invitations.updatedAt);
  const page = (
    side: SQL | undefined,
    counterpart: typeof invitations.expertId | typeof invitations.requesterId,
  ) =>
    ctx.db
      .select({ invitation: invitations, counterpartName: users.displayName })
      .from(invitations)
      .leftJoin(users, eq(users.id, counterpart))
      .where(and(side, inArray(invitations.status, states)))
      .orderBy(order)
      .limit(input.limit);
  // Counts come from the trigger-kept tallies: a few rows per side, however many invitations.
  const tallyOf = (side: "requester" | "expert", ids: string[]) =>
    ctx.db
      .select({ status: invitationTallies.status, n: invitationTallies.n })
      .from(invitationTallies)
      .where(and(inArray(invitationTallies.userId, ids), eq(invitationTallies.side, side)));
  const [sentCounts, receivedCounts, sentRows, receivedRows] = await ctx.db.batch([
    tallyOf("requester", requesterIds),
    tallyOf("expert", [actor.id]),
    page(asRequester, invitations.expertId),
    page(asExpert, invitations.requesterId),
  ]);
  const counts = [...sentCounts, ...receivedCounts];
  const key = (r: (typeof sentRows)[number]) =>
    input.bucket === "upcoming" ? (r.invitation.scheduledStart ?? 0) : -r.invitation.updatedAt;
  const rows = [...sentRows, ...receivedRows].sort((a, b) => key(a) - key(b)).slice(0, input.limit);
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
