import { eq } from "drizzle-orm";
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
