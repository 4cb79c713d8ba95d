import { and, eq, isNull, sql } from "drizzle-orm";
import { clubOfficers } from "../../clubs/schema";
import { users } from "../../identity/schema";
import { notifications } from "../../notifications/schema";
import { getProfile } from "../../profiles";
import type { ActionContext } from "../../shared/context";
import { Unauthorized } from "../../shared/errors";

/**
 * Everything a page header needs about the signed-in user in one call: the profile, the
 * unread notification count and the clubs the user may act for as an officer.
 */
export async function getMe({ ctx }: { ctx: ActionContext }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const [{ profile }, [unread, clubs]] = await Promise.all([
    getProfile({ ctx, input: { userId: actor.id } }),
    ctx.db.batch([
      ctx.db
        .select({ n: sql<number>`count(*)` })
        .from(notifications)
        .where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt))),
      ctx.db
        .select({ id: users.id, name: users.displayName })
        .from(clubOfficers)
        .innerJoin(users, eq(users.id, clubOfficers.clubId))
        .where(eq(clubOfficers.userId, actor.id)),
    ]),
  ]);
  return { profile, unreadNotifications: unread[0]?.n ?? 0, clubs };
}
