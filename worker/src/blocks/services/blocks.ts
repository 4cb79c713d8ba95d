import { and, eq, or } from "drizzle-orm";
import { endOfficerTies } from "../../clubs";
import { users } from "../../identity/schema";
import { endEventTies, forgetAuthors } from "../../link";
import { follows } from "../../link/engagement/schema";
import { afterEdgeChange, disconnect } from "../../network";
import { blocks } from "../../network/schema";
import { directRoomId, roomOf } from "../../realtime";
import type { ActionContext } from "../../shared/context";
import { BadRequest, NotFound, Unauthorized } from "../../shared/errors";

/*
 * A block is the one act that reaches into every domain: it ends each tie between the two people
 * (connection, follows, officer ties, event RSVPs, an open direct room) and stops new ones, which the other
 * domains check with `isBlockedEitherWay`. That is why it lives here, above them all, and not in
 * network/, which the others import.
 */

/** Blocks a person who exists; blocking again changes nothing. */
export async function blockUser({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  if (input.userId === actor.id) throw new BadRequest("You cannot block yourself.", { field: "userId" });
  const target = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).get();
  if (!target) throw new NotFound("No such user.");
  await block(ctx, actor.id, target.id);
}

/** Unblocking someone never blocked (or nobody) is a no-op: there is nothing to undo. */
export async function unblockUser({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  await unblock(ctx, actor.id, input.userId);
}

/** Whether the actor blocked `userId`; whether they blocked the actor is theirs to keep. */
export async function blockState({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const row = await ctx.db
    .select({ id: blocks.blockedId })
    .from(blocks)
    .where(and(eq(blocks.blockerId, actor.id), eq(blocks.blockedId, input.userId)))
    .get();
  return { blocked: row !== undefined };
}

/** A block also removes any connection, follow, officer tie and event RSVP between the two (the counts follow by trigger). */
export async function block(ctx: ActionContext, blocker: string, blocked: string): Promise<void> {
  await ctx.db.batch([
    ctx.db.insert(blocks).values({ blockerId: blocker, blockedId: blocked }).onConflictDoNothing(),
    ctx.db
      .delete(follows)
      .where(
        or(
          and(eq(follows.followerId, blocker), eq(follows.followeeId, blocked)),
          and(eq(follows.followerId, blocked), eq(follows.followeeId, blocker)),
        ),
      ),
  ]);
  // Officer invitations and the office itself end too; a blocked club cannot ask again.
  await endOfficerTies(ctx, blocker, blocked);
  await disconnect(ctx, blocker, blocked);
  // An RSVP to the other's event (as organiser or expert) ends too; its seat goes to the waitlist.
  await endEventTies(ctx, blocker, blocked);
  // A direct room already open between them closes now; joining it again is refused.
  await roomOf(ctx.env, directRoomId(blocker, blocked)).disconnect([blocker, blocked]);
  // The follows are gone: each one's notes leave the other's following-feed timeline.
  await forgetAuthors(ctx, [blocker, blocked], [blocker, blocked]);
  await afterEdgeChange(ctx, [blocker, blocked], [{ op: "block", blocker, blocked }]);
}

export async function unblock(ctx: ActionContext, blocker: string, blocked: string): Promise<void> {
  await ctx.db.delete(blocks).where(and(eq(blocks.blockerId, blocker), eq(blocks.blockedId, blocked)));
  await afterEdgeChange(ctx, [blocker, blocked], [{ op: "unblock", blocker, blocked }]);
}
