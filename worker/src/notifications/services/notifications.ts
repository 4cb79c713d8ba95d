import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { officerInvitations } from "../../clubs/schema";
import { inJsonList } from "../../db/client";
import { inboxOf } from "../../realtime";
import type { ActionContext } from "../../shared/context";
import { Unauthorized } from "../../shared/errors";
import { notifications } from "../schema";

export async function listNotifications({ ctx }: { ctx: ActionContext }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const [rows, unread] = await ctx.db.batch([
    ctx.db
      .select({ notification: notifications, officerStatus: officerInvitations.status })
      .from(notifications)
      .leftJoin(officerInvitations, eq(officerInvitations.id, notifications.officerInvitationId))
      .where(eq(notifications.userId, actor.id))
      .orderBy(desc(notifications.createdAt))
      .limit(50),
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(notifications)
      .where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt))),
  ]);
  return {
    unread: unread[0]?.n ?? 0,
    notifications: rows.map(({ notification: n, officerStatus }) => ({
      id: n.id,
      type: n.type,
      text: n.text,
      invitationId: n.invitationId,
      // A club's officer invitation, with its status now: the page offers Accept / Decline while pending.
      officerInvitation:
        n.officerInvitationId && officerStatus ? { id: n.officerInvitationId, status: officerStatus } : null,
      facts: n.data ?? null,
      read: n.readAt !== null,
      createdAt: new Date(n.createdAt).toISOString(),
    })),
  };
}

/** Marks the given notifications (or all) read; only the user's own rows are touched. */
export async function markNotificationsRead({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { ids?: string[] };
}) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const mine = and(eq(notifications.userId, actor.id), isNull(notifications.readAt));
  await ctx.db
    .update(notifications)
    .set({ readAt: Date.now() })
    .where(input.ids ? and(mine, inJsonList(notifications.id, input.ids)) : mine);
  const list = await listNotifications({ ctx });
  // Other tabs of this user show the new count at once.
  ctx.waitUntil(
    inboxOf(ctx.env, actor.id)
      .unread(list.unread)
      .catch(() => {}),
  );
  return list;
}
