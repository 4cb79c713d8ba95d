import { and, eq, or, sql } from "drizzle-orm";
import { blocks } from "../../graph/schema";
import type { User } from "../../identity/schema";
/** A block hides each from the other, both ways. */
/** Blocks live with the network (network/services/edges.ts); one query serves both products. */
import { isBlockedEitherWay as blockedEitherWay } from "../../network/services/edges";
import type { ActionContext } from "../../shared/context";
import { follows } from "../engagement-schema";
import type { Note } from "../notes-schema";

export { blockedEitherWay };

/** Whether `follower` follows `followee` (one primary-key lookup). */
export async function isFollowing(ctx: ActionContext, follower: string, followee: string): Promise<boolean> {
  const row = await ctx.db
    .select({ one: sql<number>`1` })
    .from(follows)
    .where(and(eq(follows.followerId, follower), eq(follows.followeeId, followee)))
    .get();
  return row !== undefined;
}

/** The one rule for who sees a note; anything it refuses is answered as 404, never 403. */
export async function canSee(
  ctx: ActionContext,
  viewer: User | null,
  note: Pick<Note, "authorId" | "campusId" | "visibility">,
): Promise<boolean> {
  if (viewer?.id === note.authorId) return true;
  if (viewer && (await blockedEitherWay(ctx, viewer.id, note.authorId))) return false;
  switch (note.visibility) {
    case "public":
      return true;
    case "campus":
      return viewer !== null && note.campusId !== null && viewer.campusId === note.campusId;
    case "followers":
      return viewer !== null && (await isFollowing(ctx, viewer.id, note.authorId));
    case "private":
      return false;
    default: {
      const never: never = note.visibility;
      return never;
    }
  }
}
