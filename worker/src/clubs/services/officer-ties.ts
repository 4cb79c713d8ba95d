import { and, eq, inArray, or } from "drizzle-orm";
import type { ActionContext } from "../../shared/context";
import { fromStates } from "../officer-machine";
import { clubOfficers, officerInvitations } from "../schema";

/**
 * A block, either way, ends every live officer tie between the two: pending invitations and the
 * office itself. (The block removes the connection.) Called by `block` in network/services/edges.
 */
export async function endOfficerTies(ctx: ActionContext, a: string, b: string): Promise<void> {
  const pair = or(
    and(eq(officerInvitations.clubId, a), eq(officerInvitations.userId, b)),
    and(eq(officerInvitations.clubId, b), eq(officerInvitations.userId, a)),
  );
  await ctx.db.batch([
    ctx.db
      .update(officerInvitations)
      .set({ status: "blocked", answeredAt: Date.now() })
      .where(and(pair, inArray(officerInvitations.status, fromStates("block")))),
    ctx.db
      .delete(clubOfficers)
      .where(
        or(
          and(eq(clubOfficers.clubId, a), eq(clubOfficers.userId, b)),
          and(eq(clubOfficers.clubId, b), eq(clubOfficers.userId, a)),
        ),
      ),
  ]);
}
