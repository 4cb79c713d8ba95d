import { and, eq, isNull } from "drizzle-orm";
import type { ActionContext } from "../../shared/context";
import { Conflict, Forbidden } from "../../shared/errors";
import { invitations } from "../schema";
import { invitationFor } from "./invitation-access";

/** A club officer approves a club's draft so that it may be sent (by the club account or any officer). */
export async function signOffInvitation({ ctx, input }: { ctx: ActionContext; input: { id: string } }) {
  const { invitation, actor, officer } = await invitationFor(ctx, input.id);
  if (!officer) throw new Forbidden("Only an officer of the club can sign its invitations off.");
  if (invitation.status !== "draft") throw new Conflict("Only a draft needs a sign-off.", "not-a-draft");
  await ctx.db
    .update(invitations)
    .set({ signedOffBy: actor.id, updatedAt: Date.now() })
    .where(and(eq(invitations.id, invitation.id), isNull(invitations.signedOffBy)));
}
