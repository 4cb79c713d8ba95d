import { eq } from "drizzle-orm";
import { invitationFor } from "../../../pro";
import type { ActionContext } from "../../../shared/context";
import { events } from "../schema";

/**
 * The event an invitation was published as, or null: its two sides' invitation page shows a link to
 * it instead of offering to publish again. Anyone else gets the invitation's 404.
 */
export async function invitationEvent({ ctx, input }: { ctx: ActionContext; input: { id: string } }) {
  const { invitation } = await invitationFor(ctx, input.id);
  const row = await ctx.db
    .select({ noteId: events.noteId })
    .from(events)
    .where(eq(events.invitationId, invitation.id))
    .get();
  return { noteId: row?.noteId ?? null };
}
