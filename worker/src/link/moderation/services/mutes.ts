import { and, desc, eq } from "drizzle-orm";
import { users } from "../../../identity/schema";
import { type ActionContext, me } from "../../../shared/context";
import { BadRequest, NotFound } from "../../../shared/errors";
import { mutes } from "../schema";

/**
 * Mutes someone: their notes leave the actor's feeds, search and topic pages (`listedNotes`).
 * Unlike a block it is private and one-sided: the muted person is not told and may still act.
 * Muting twice changes nothing.
 */
export async function muteUser({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const actor = me(ctx);
  if (input.userId === actor.id) throw new BadRequest("You cannot mute yourself.", { code: "self" });
  const person = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).get();
  if (!person) throw new NotFound("No such person.");
  await ctx.db.insert(mutes).values({ muterId: actor.id, mutedId: person.id }).onConflictDoNothing();
}

/** Unmutes; unmuting someone not muted changes nothing. */
export async function unmuteUser({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const actor = me(ctx);
  await ctx.db.delete(mutes).where(and(eq(mutes.muterId, actor.id), eq(mutes.mutedId, input.userId)));
}

/** The people the actor muted, newest first, so they can be unmuted (a person mutes few). */
export async function listMutes({ ctx }: { ctx: ActionContext }) {
  const actor = me(ctx);
  const rows = await ctx.db
    .select({ id: users.id, displayName: users.displayName, at: mutes.createdAt })
    .from(mutes)
    .innerJoin(users, eq(users.id, mutes.mutedId))
    .where(eq(mutes.muterId, actor.id))
    .orderBy(desc(mutes.createdAt))
    .limit(500);
  return {
    users: rows.map((row) => ({
      id: row.id,
      displayName: row.displayName,
      mutedAt: new Date(row.at).toISOString(),
    })),
  };
}
