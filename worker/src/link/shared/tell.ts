import { notifications } from "../../pro/schema";
import { inboxOf } from "../../realtime/routes";
import type { ActionContext } from "../../shared/context";

/**
 * A stored notification and its live push; never to the actor themselves. With a `dedupeKey`, a
 * second notification under the same key for the same person is neither stored nor pushed.
 * Notes (mentions), engagement (likes, comments, follows) and moderation all tell people things,
 * so it sits beside them rather than in one of them.
 */
export async function tell(
  ctx: ActionContext,
  userId: string,
  type: string,
  text: string,
  invitationId: string | null = null,
  dedupeKey: string | null = null,
): Promise<void> {
  if (ctx.actor?.id === userId) return;
  const stored = await ctx.db
    .insert(notifications)
    .values({ userId, type, text, invitationId, dedupeKey })
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  if (stored.length === 0) return;
  ctx.waitUntil(
    inboxOf(ctx.env, userId)
      .notify({ type, text })
      .catch(() => {}),
  );
}
