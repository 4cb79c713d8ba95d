import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { User } from "../../../identity/schema";
import { REFUSAL_DETAIL, refusalToward } from "../../../network";
import { notify } from "../../../notifications";
import { type ActionContext, me } from "../../../shared/context";
import { BadRequest, Forbidden, NotFound } from "../../../shared/errors";
import { enforce } from "../../../shared/rate-limit";
import { noteChanged } from "../../feeds/services/candidate-sets";
import { bumpTopics } from "../../feeds/services/trending";
import { notes } from "../../notes/schema";
import { blockedEitherWay, canSee, visibleNote } from "../../notes/services/visibility";
import { commentCounts, commentLikes, comments } from "../schema";
import { decodeCursor, encodeCursor } from "./cursor";
import { noteCountsOf } from "./likes";

export const COMMENT_MAX = 1000;
/** Replies shown under each thread in a listing; the thread's `replies` count says how many there are. */
export const REPLIES_SHOWN = 20;

interface CommentRow {
  id: string;
  note_id: string;
  parent_id: string | null;
  author_id: string;
  author_name: string;
  body: string;
  created_at: number;
  likes: number;
  replies: number;
  liked: number;
  hidden_at: number | null;
}

const commentView = (row: CommentRow) => ({
  id: row.id,
  noteId: row.note_id,
  parentId: row.parent_id,
  authorId: row.author_id,
  authorName: row.author_name,
  body: row.body,
  createdAt: new Date(row.created_at).toISOString(),
  likes: row.likes,
  liked: row.liked === 1,
  replies: row.replies,
  /** Hidden by reports until an admin decides; only its author and admins are shown such a comment. */
  hidden: row.hidden_at !== null,
});
export type CommentView = ReturnType<typeof commentView>;

/** Plain text: kept as written (clients render it as text), less control characters other than newlines and tabs. */
function plainBody(raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const body = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim();
  if (!body) throw new BadRequest("The comment is empty.", { field: "body" });
  if (body.length > COMMENT_MAX)
    throw new BadRequest(`At most ${COMMENT_MAX} characters.`, { field: "body" });
  return body;
}

/**
 * A live comment and the actor's standing to act on it: its author not blocked either way, and not
 * hidden by reports (except from its author and admins).
 */
async function reachableComment(ctx: ActionContext, actor: User, commentId: string) {
  const comment = await ctx.db
    .select()
    .from(comments)
    .where(and(eq(comments.id, commentId), isNull(comments.deletedAt)))
    .get();
  if (
    !comment ||
    (comment.hiddenAt !== null && comment.authorId !== actor.id && actor.role !== "admin") ||
    (await blockedEitherWay(ctx, actor.id, comment.authorId))
  )
    throw new NotFound("No such comment.");
  return comment;
}

/**
 * Comments on a note the actor can see, or replies to a comment on it. Threads are two levels
 * deep: a reply to a reply is attached to its top-level comment, and the person replied to is told.
 */
export async function createComment({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { noteId: string; body: string; parentId?: string | undefined };
}) {
  const actor = me(ctx);
  const body = plainBody(input.body);
  const note = await visibleNote(ctx, actor, input.noteId);
  let topId: string | null = null;
  let repliedTo: string | null = null;
  if (input.parentId) {
    const parent = await reachableComment(ctx, actor, input.parentId);
    if (parent.noteId !== note.id) throw new NotFound("No such comment.");
    topId = parent.parentId ?? parent.id;
    repliedTo = parent.authorId;
  }
  // The contact matrix: an unverified expert does not write under a student's note or comment.
  const refusal = await refusalToward(ctx, actor, [note.authorId, repliedTo], "comment");
  if (refusal) throw new Forbidden(REFUSAL_DETAIL[refusal], refusal);
  await enforce(ctx.env, "commentUser", actor.id);
  const [created] = await ctx.db
    .insert(comments)
    .values({ noteId: note.id, authorId: actor.id, parentId: topId, body })
    .returning();
  if (!created) throw new Error("comment insert returned nothing");
  noteChanged(ctx, note.id);
  bumpTopics(ctx, note.id, "comment");
  if (repliedTo)
    await notify(ctx, repliedTo, {
      type: "comment.reply",
      text: `${actor.displayName} replied to your comment.`,
    });
  if (note.authorId !== repliedTo)
    await notify(ctx, note.authorId, {
      type: "note.comment",
      text: `${actor.displayName} commented on your note "${note.title}".`,
    });
  return {
    comment: commentView({
      id: created.id,
      note_id: created.noteId,
      parent_id: created.parentId,
      author_id: actor.id,
      author_name: actor.displayName,
      body: created.body,
      created_at: created.createdAt,
      likes: 0,
      replies: 0,
      liked: 0,
      hidden_at: null,
    }),
    comments: (await noteCountsOf(ctx, note.id)).comments,
  };
}

const selectComments = (actorId: string, extra = sql``) => sql`
  select ${extra} c.id, c.note_id, c.parent_id, c.author_id, u.display_name as author_name, c.body, c.created_at, c.hidden_at,
    coalesce(cc.likes, 0) as likes, coalesce(cc.replies, 0) as replies,
    exists (select 1 from comment_likes l where l.comment_id = c.id and l.user_id = ${actorId}) as liked
  from comments c
  join users u on u.id = c.author_id
  left join comment_counts cc on cc.comment_id = c.id`;

const notBlocked = (actorId: string) => sql`not exists (
  select 1 from blocks b
  where (b.blocker_id = ${actorId} and b.blocked_id = c.author_id) or (b.blocker_id = c.author_id and b.blocked_id = ${actorId}))`;

/** Comments hidden by reports are shown to their author and to admins only. */
const shown = (actor: User) =>
  actor.role === "admin" ? sql`1 = 1` : sql`(c.hidden_at is null or c.author_id = ${actor.id})`;

/**
 * A note's threads a page at a time, newest or oldest first, each with its first replies (oldest
 * first). Deleted comments, hidden ones (but to their author and admins) and people blocked either
 * way with the reader are left out.
 */
export async function listComments({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { noteId: string; order: "newest" | "oldest"; limit: number; cursor?: string | undefined };
}) {
  const actor = me(ctx);
  const note = await visibleNote(ctx, actor, input.noteId);
  const cursor = decodeCursor(input.cursor);
  const newest = input.order === "newest";
  const after = cursor
    ? newest
      ? sql`and (c.created_at < ${cursor.at} or (c.created_at = ${cursor.at} and c.id < ${cursor.id}))`
      : sql`and (c.created_at > ${cursor.at} or (c.created_at = ${cursor.at} and c.id > ${cursor.id}))`
    : sql``;
  const top = await ctx.db.all<CommentRow>(sql`
    ${selectComments(actor.id)}
    where c.note_id = ${note.id} and c.parent_id is null and c.deleted_at is null and ${shown(actor)} and ${notBlocked(actor.id)} ${after}
    order by c.created_at ${newest ? sql`desc` : sql`asc`}, c.id ${newest ? sql`desc` : sql`asc`}
    limit ${input.limit + 1}`);
  const page = top.slice(0, input.limit);
  const ids = page.map((row) => row.id);
  const replies =
    ids.length === 0
      ? []
      : await ctx.db.all<CommentRow>(sql`
        select * from (
          ${selectComments(actor.id, sql`row_number() over (partition by c.parent_id order by c.created_at, c.id) as n,`)}
          where c.parent_id in (select value from json_each(${JSON.stringify(ids)})) and c.deleted_at is null and ${shown(actor)} and ${notBlocked(actor.id)}
        ) as r
        where r.n <= ${REPLIES_SHOWN}
        order by r.parent_id, r.created_at, r.id`);
  const byParent = new Map<string, CommentView[]>();
  for (const reply of replies) {
    if (!reply.parent_id) continue;
    const list = byParent.get(reply.parent_id) ?? [];
    list.push(commentView(reply));
    byParent.set(reply.parent_id, list);
  }
  const last = page.at(-1);
  return {
    threads: page.map((row) => ({ ...commentView(row), replyList: byParent.get(row.id) ?? [] })),
    nextCursor: top.length > input.limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null,
    comments: (await noteCountsOf(ctx, note.id)).comments,
  };
}

/**
 * The comment's author, the note's author or an admin deletes a comment; a top-level comment takes
 * its replies with it. Counts follow through the triggers.
 */
export async function deleteComment({ ctx, input }: { ctx: ActionContext; input: { commentId: string } }) {
  const actor = me(ctx);
  const comment = await ctx.db
    .select()
    .from(comments)
    .where(and(eq(comments.id, input.commentId), isNull(comments.deletedAt)))
    .get();
  if (!comment) throw new NotFound("No such comment.");
  const note = await ctx.db.select().from(notes).where(eq(notes.id, comment.noteId)).get();
  if (!note) throw new NotFound("No such comment.");
  const allowed = comment.authorId === actor.id || note.authorId === actor.id || actor.role === "admin";
  if (!allowed) {
    if (!(await canSee(ctx, actor, note))) throw new NotFound("No such comment.");
    throw new Forbidden("Only the comment's author, the note's author or an admin deletes a comment.");
  }
  await ctx.db
    .update(comments)
    .set({ deletedAt: Date.now() })
    .where(
      and(or(eq(comments.id, comment.id), eq(comments.parentId, comment.id)), isNull(comments.deletedAt)),
    );
  noteChanged(ctx, note.id);
  return { comments: (await noteCountsOf(ctx, note.id)).comments };
}

async function commentLikesOf(ctx: ActionContext, commentId: string): Promise<number> {
  const row = await ctx.db
    .select({ likes: commentCounts.likes })
    .from(commentCounts)
    .where(eq(commentCounts.commentId, commentId))
    .get();
  return row?.likes ?? 0;
}

export async function likeComment({ ctx, input }: { ctx: ActionContext; input: { commentId: string } }) {
  const actor = me(ctx);
  const comment = await reachableComment(ctx, actor, input.commentId);
  await visibleNote(ctx, actor, comment.noteId);
  await enforce(ctx.env, "likeUser", actor.id);
  const added = await ctx.db
    .insert(commentLikes)
    .values({ commentId: comment.id, userId: actor.id })
    .onConflictDoNothing()
    .returning({ at: commentLikes.createdAt });
  if (added.length > 0)
    await notify(
      ctx,
      comment.authorId,
      { type: "comment.like", text: `${actor.displayName} liked your comment.` },
      { dedupeKey: `comment-like:${actor.id}:${comment.id}` },
    );
  return { liked: true, likes: await commentLikesOf(ctx, comment.id) };
}

export async function unlikeComment({ ctx, input }: { ctx: ActionContext; input: { commentId: string } }) {
  const actor = me(ctx);
  const comment = await reachableComment(ctx, actor, input.commentId);
  await visibleNote(ctx, actor, comment.noteId);
  await enforce(ctx.env, "likeUser", actor.id);
  await ctx.db
    .delete(commentLikes)
    .where(and(eq(commentLikes.commentId, comment.id), eq(commentLikes.userId, actor.id)));
  return { liked: false, likes: await commentLikesOf(ctx, comment.id) };
}
