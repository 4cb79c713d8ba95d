import { and, eq } from "drizzle-orm";
import { notify } from "../../../notifications";
import { type ActionContext, me } from "../../../shared/context";
import { enforce } from "../../../shared/rate-limit";
import { noteChanged } from "../../feeds/services/candidate-sets";
import { bumpTopics } from "../../feeds/services/trending";
import { visibleNote } from "../../notes/services/visibility";
import { noteCounts, noteLikes } from "../schema";

export async function noteCountsOf(ctx: ActionContext, noteId: string) {
  const row = await ctx.db
    .select({ likes: noteCounts.likes, collects: noteCounts.collects, comments: noteCounts.comments })
    .from(noteCounts)
    .where(eq(noteCounts.noteId, noteId))
    .get();
  return row ?? { likes: 0, collects: 0, comments: 0 };
}

/** Likes a note the actor can see. A second like is ignored by the key, so it never counts twice. */
export async function likeNote({ ctx, input }: { ctx: ActionContext; input: { noteId: string } }) {
  const actor = me(ctx);
  const note = await visibleNote(ctx, actor, input.noteId);
  await enforce(ctx.env, "likeUser", actor.id);
  const added = await ctx.db
    .insert(noteLikes)
    .values({ noteId: note.id, userId: actor.id })
    .onConflictDoNothing()
    .returning({ at: noteLikes.createdAt });
  if (added.length > 0) {
    noteChanged(ctx, note.id);
    bumpTopics(ctx, note.id, "like");
    // Once per liker and note, ever: like/unlike in a loop must not flood the author.
    await notify(
      ctx,
      note.authorId,
      { type: "note.like", text: `${actor.displayName} liked your note "${note.title}".` },
      { dedupeKey: `like:${actor.id}:${note.id}` },
    );
  }
  return { liked: true, likes: (await noteCountsOf(ctx, note.id)).likes };
}

export async function unlikeNote({ ctx, input }: { ctx: ActionContext; input: { noteId: string } }) {
  const actor = me(ctx);
  const note = await visibleNote(ctx, actor, input.noteId);
  await enforce(ctx.env, "likeUser", actor.id);
  const removed = await ctx.db
    .delete(noteLikes)
    .where(and(eq(noteLikes.noteId, note.id), eq(noteLikes.userId, actor.id)))
    .returning({ at: noteLikes.createdAt });
  if (removed.length > 0) noteChanged(ctx, note.id);
  return { liked: false, likes: (await noteCountsOf(ctx, note.id)).likes };
}
