import { eq } from "drizzle-orm";
import { clubOfficers } from "../../clubs/schema";
import type { EmailJob } from "../../jobs/contracts";
import { pushLive } from "../../notifications";
import type { ActionContext } from "../../shared/context";
import type { Invitation } from "../schema";

/** Everyone on a side: the expert, or the requester and, for a club, its officers. */
export async function sideMembers(ctx: ActionContext, invitation: Invitation, side: "requester" | "expert") {
  if (side === "expert") return [invitation.expertId];
  const officers = await ctx.db
    .select({ userId: clubOfficers.userId })
    .from(clubOfficers)
    .where(eq(clubOfficers.clubId, invitation.requesterId))
    .all();
  return [invitation.requesterId, ...officers.map((o) => o.userId)];
}

const QUEUE_BATCH_MAX = 100;

/**
 * After a transition is committed: a mail per recipient through the email queue (batches of 100) and
 * a live push to each recipient's inbox. The stored notification rows were written with the
 * transition itself.
 */
export async function deliverInvitationNews(
  ctx: ActionContext,
  input: { recipients: string[]; eventId: string; text: string; invitationId: string },
) {
  if (input.recipients.length === 0) return;
  const jobs: EmailJob[] = input.recipients.map((userId) => ({
    kind: "invitation-update",
    key: `invitation-update:${input.eventId}:${userId}`,
    userId,
    origin: ctx.origin,
    eventId: input.eventId,
  }));
  // Cloudflare Queues' sendBatch takes at most 100 messages.
  for (let i = 0; i < jobs.length; i += QUEUE_BATCH_MAX) {
    const batch = jobs.slice(i, i + QUEUE_BATCH_MAX);
    await ctx.env.EMAIL_QUEUE.sendBatch(batch.map((body) => ({ body, contentType: "json" as const })));
  }
  pushLive(ctx, input.recipients, { type: `invitation:${input.invitationId}`, text: input.text });
}
