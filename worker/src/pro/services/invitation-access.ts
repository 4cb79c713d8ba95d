import { and, eq } from "drizzle-orm";
import { clubOfficers } from "../../clubs/schema";
import type { User } from "../../identity/schema";
import { isBlockedEitherWay } from "../../network";
import type { ActionContext } from "../../shared/context";
import { NotFound, Unauthorized } from "../../shared/errors";
import type { Party } from "../invitation-machine";
import { type Invitation, invitations } from "../schema";

/** Whether `user` may act for `requesterId`: it is them, or they are an officer of that club. */
export async function actsFor(ctx: ActionContext, user: User, requesterId: string): Promise<boolean> {
  if (user.id === requesterId) return true;
  const officer = await ctx.db
    .select({ clubId: clubOfficers.clubId })
    .from(clubOfficers)
    .where(and(eq(clubOfficers.clubId, requesterId), eq(clubOfficers.userId, user.id)))
    .get();
  return officer !== undefined;
}

export interface InvitationAccess {
  invitation: Invitation;
  party: Exclude<Party, "system">;
  actor: User;
  /** The actor acts for a club as one of its officers (not as the club account itself). */
  officer: boolean;
}

/**
 * Loads an invitation for one of its two sides. Anyone else, and the expert before it is sent,
 * gets the same 404 as for an id that does not exist.
 */
export async function invitationFor(ctx: ActionContext, id: string): Promise<InvitationAccess> {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const invitation = await ctx.db.select().from(invitations).where(eq(invitations.id, id)).get();
  const missing = new NotFound("No such invitation.");
  if (!invitation) throw missing;
  if (actor.id === invitation.expertId) {
    // An invitation reaches the expert when it is sent; a draft cancelled unsent never does.
    if (invitation.sentAt === null) throw missing;
    return { invitation, party: "expert", actor, officer: false };
  }
  if (await actsFor(ctx, actor, invitation.requesterId)) {
    return { invitation, party: "requester", actor, officer: actor.id !== invitation.requesterId };
  }
  throw missing;
}

/**
 * A block either way between the expert and the requester (or the acting officer) closes the
 * invitation's channels that carry words or times between them (thread, reschedule proposals, the
 * meeting link) with the same 404 a stranger gets; ending it (cancel) stays open.
 */
export async function refuseAcrossBlock(ctx: ActionContext, invitation: Invitation, actor: User) {
  if (await blockedAcross(ctx, invitation, actor)) throw new NotFound("No such invitation.");
}

export async function blockedAcross(
  ctx: ActionContext,
  invitation: Invitation,
  actor: User,
): Promise<boolean> {
  const pairs: [string, string][] = [[invitation.expertId, invitation.requesterId]];
  if (actor.id !== invitation.expertId && actor.id !== invitation.requesterId)
    pairs.push([invitation.expertId, actor.id]);
  for (const [a, b] of pairs) if (await isBlockedEitherWay(ctx, a, b)) return true;
  return false;
}
