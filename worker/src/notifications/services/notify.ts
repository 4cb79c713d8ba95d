import { inboxOf } from "../../realtime";
import type { ActionContext } from "../../shared/context";
import { notifications } from "../schema";

/** What a person is told, live and in their list. */
export interface Notice {
  type: string;
  text: string;
}

/**
 * The live push to each person's open tabs, after the response and best effort: the stored row is
 * what counts, and a tab that missed the push reads it on its next load.
 */
export function pushLive(ctx: ActionContext, userIds: string[], notice: Notice): void {
  if (userIds.length === 0) return;
  ctx.waitUntil(
    Promise.all(
      userIds.map((userId) =>
        inboxOf(ctx.env, userId)
          .notify(notice)
          .catch((error: unknown) => console.warn(`${notice.type} not pushed live: ${String(error)}`)),
      ),
    ),
  );
}

/**
 * A stored notification and its live push, for news that stands alone (news that belongs to a
 * write goes into that write's batch as a `notifications` row, then `pushLive`). Never to the actor
 * themselves. With a `dedupeKey`, a second notification under the same key for the same person is
 * neither stored nor pushed.
 */
export async function notify(
  ctx: ActionContext,
  userId: string,
  notice: Notice,
  about: { invitationId?: string | null; dedupeKey?: string | null } = {},
): Promise<void> {
  if (ctx.actor?.id === userId) return;
  const stored = await ctx.db
    .insert(notifications)
    .values({
      userId,
      type: notice.type,
      text: notice.text,
      invitationId: about.invitationId ?? null,
      dedupeKey: about.dedupeKey ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  if (stored.length > 0) pushLive(ctx, [userId], notice);
}
