import { and, eq } from "drizzle-orm";
import { blocks } from "../../graph/schema";
import { users } from "../../identity/schema";
import type { ActionContext } from "../../shared/context";
import { BadRequest, NotFound, Unauthorized } from "../../shared/errors";
import { block, unblock } from "./edges";

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
