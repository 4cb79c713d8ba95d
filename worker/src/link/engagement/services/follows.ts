import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { type User, users } from "../../../identity/schema";
import { connect, disconnect } from "../../../network";
import { connections } from "../../../network/schema";
import { notify } from "../../../notifications";
import { type ActionContext, me } from "../../../shared/context";
import { BadRequest, NotFound } from "../../../shared/errors";
import { enforce } from "../../../shared/rate-limit";
import { followSources } from "../../feeds/schema";
import { noteChanged } from "../../feeds/services/candidate-sets";
import { mergeAuthor } from "../../feeds/services/following-feed";
import { forgetAuthors } from "../../feeds/services/timelines";
import { notes } from "../../notes/schema";
import { blockedEitherWay, canSee } from "../../notes/services/visibility";
import { follows, topicFollows, userCounts } from "../schema";
import { decodeCursor, encodeCursor } from "./cursor";

export interface FollowCounts {
  followers: number;
  following: number;
}

export async function followCounts(ctx: ActionContext, userId: string): Promise<FollowCounts> {
  const row = await ctx.db
    .select({ followers: userCounts.followers, following: userCounts.following })
    .from(userCounts)
    .where(eq(userCounts.userId, userId))
    .get();
  return row ?? { followers: 0, following: 0 };
}

async function followsRow(ctx: ActionContext, follower: string, followee: string): Promise<boolean> {
  const row = await ctx.db
    .select({ at: follows.createdAt })
    .from(follows)
    .where(and(eq(follows.followerId, follower), eq(follows.followeeId, followee)))
    .get();
  return row !== undefined;
}

/** A person the actor may act on: they exist, and neither has blocked the other (else 404). */
async function reachablePerson(ctx: ActionContext, actorId: string, userId: string) {
  const person = await ctx.db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!person || (await blockedEitherWay(ctx, actorId, userId))) throw new NotFound("No such person.");
  return person;
}

/** The relationship as the actor sees it, with the other person's counts. */
async function followState(ctx: ActionContext, actorId: string, userId: string) {
  const [following, followedBy, counts] = await Promise.all([
    followsRow(ctx, actorId, userId),
    followsRow(ctx, userId, actorId),
    followCounts(ctx, userId),
  ]);
  return {
    following,
    followedBy,
    mutual: following && followedBy,
    followers: counts.followers,
    followingCount: counts.following,
  };
}

/**
 * Follows someone. Following back someone who follows you connects you (a `mutual-follow` edge in
 * the network). Following twice changes nothing; the followee hears of a new follow only.
 * `fromNoteId` names the note the follow came from: a new follow of that note's author, made by
 * someone who may see the note, counts as a follow gained by the note (the discovery ranking's
 * strongest signal); any other note is ignored, so the follow itself never fails on it.
 */
export async function followUser({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { userId: string; fromNoteId?: string | undefined };
}) {
  const actor = me(ctx);
  if (input.userId === actor.id) throw new BadRequest("You cannot follow yourself.");
  await enforce(ctx.env, "followUser", actor.id);
  await reachablePerson(ctx, actor.id, input.userId);
  // The block check is repeated in the insert itself, so a block written meanwhile still wins.
  const result = await ctx.db.run(sql`
    insert into follows (follower_id, followee_id, created_at)
    select ${actor.id}, ${input.userId}, ${Date.now()}
    where not exists (
      select 1 from blocks
      where (blocker_id = ${actor.id} and blocked_id = ${input.userId})
         or (blocker_id = ${input.userId} and blocked_id = ${actor.id})
    )
    on conflict do nothing`);
  if (result.meta.changes > 0) {
    if (await followsRow(ctx, input.userId, actor.id))
      await connect(ctx, actor.id, input.userId, "mutual-follow");
    if (input.fromNoteId) await creditNote(ctx, actor, input.userId, input.fromNoteId);
    await mergeAuthor(ctx, actor, input.userId);
    // One "followed you" per pair per UTC day, however often they toggle.
    const day = new Date().toISOString().slice(0, 10);
    await notify(
      ctx,
      input.userId,
      { type: "follow", text: `${actor.displayName} followed you.` },
      { dedupeKey: `follow:${actor.id}:${day}` },
    );
  } else if (await blockedEitherWay(ctx, actor.id, input.userId)) {
    throw new NotFound("No such person.");
  }
  return followState(ctx, actor.id, input.userId);
}

/** Records the note a new follow came from; the row goes with the follow (a foreign key cascade). */
async function creditNote(ctx: ActionContext, actor: User, followeeId: string, noteId: string) {
  const note = await ctx.db.select().from(notes).where(eq(notes.id, noteId)).get();
  if (!note || note.authorId !== followeeId || !(await canSee(ctx, actor, note))) return;
  // Written only while the follow exists, so an unfollow racing this leaves no orphan credit.
  const credited = await ctx.db.run(sql`
    insert into follow_sources (follower_id, followee_id, note_id, created_at)
    select ${actor.id}, ${followeeId}, ${note.id}, ${Date.now()}
    where exists (select 1 from follows where follower_id = ${actor.id} and followee_id = ${followeeId})
    on conflict do nothing`);
  if (credited.meta.changes > 0) noteChanged(ctx, note.id);
}

/** Unfollows; a network edge that came from the mutual follow ends with it, any other edge stays. */
export async function unfollowUser({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const actor = me(ctx);
  // Unfollowing shares the follow budget: toggling is the spam pattern.
  await enforce(ctx.env, "followUser", actor.id);
  // The note credited with this follow loses the credit with it (cascade); its score is re-placed.
  const source = await ctx.db
    .select({ noteId: followSources.noteId })
    .from(followSources)
    .where(and(eq(followSources.followerId, actor.id), eq(followSources.followeeId, input.userId)))
    .get();
  const removed = await ctx.db
    .delete(follows)
    .where(and(eq(follows.followerId, actor.id), eq(follows.followeeId, input.userId)))
    .returning({ at: follows.createdAt });
  if (removed.length > 0) {
    const edge = await ctx.db
      .select({ source: connections.source })
      .from(connections)
      .where(and(eq(connections.userId, actor.id), eq(connections.peerId, input.userId)))
      .get();
    if (edge?.source === "mutual-follow") await disconnect(ctx, actor.id, input.userId);
    if (source) noteChanged(ctx, source.noteId);
    await forgetAuthors(ctx, [actor.id], [input.userId]);
  }
  return followState(ctx, actor.id, input.userId);
}

export async function followSummary({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const actor = me(ctx);
  await reachablePerson(ctx, actor.id, input.userId);
  return followState(ctx, actor.id, input.userId);
}

/**
 * Someone's followers or the people they follow, newest first, a page at a time (cursor from the
 * previous page). People blocked either way with the reader are left out.
 */
export async function listFollows({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { userId: string; side: "followers" | "following"; limit: number; cursor?: string | undefined };
}) {
  const actor = me(ctx);
  await reachablePerson(ctx, actor.id, input.userId);
  const cursor = decodeCursor(input.cursor);
  const [mine, theirs] =
    input.side === "followers"
      ? [follows.followeeId, follows.followerId]
      : [follows.followerId, follows.followeeId];
  const rows = await ctx.db
    .select({ id: users.id, displayName: users.displayName, role: users.role, at: follows.createdAt })
    .from(follows)
    .innerJoin(users, eq(users.id, theirs))
    .where(
      and(
        eq(mine, input.userId),
        cursor
          ? or(lt(follows.createdAt, cursor.at), and(eq(follows.createdAt, cursor.at), lt(theirs, cursor.id)))
          : undefined,
        sql`not exists (select 1 from blocks where (blocker_id = ${actor.id} and blocked_id = ${theirs}) or (blocker_id = ${theirs} and blocked_id = ${actor.id}))`,
      ),
    )
    .orderBy(desc(follows.createdAt), desc(theirs))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    users: page.map((row) => ({
      id: row.id,
      displayName: row.displayName,
      role: row.role,
      followedAt: new Date(row.at).toISOString(),
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
    counts: await followCounts(ctx, input.userId),
  };
}

/** Topics are kept lower-case without a leading `#`, as the notes side parses them. */
export function normalTopic(raw: string): string {
  const topic = raw.trim().replace(/^#/, "").toLowerCase();
  if (!/^[\p{L}\p{N}_]{1,40}$/u.test(topic)) throw new BadRequest("Not a topic.", { field: "topic" });
  return topic;
}

export async function followTopic({ ctx, input }: { ctx: ActionContext; input: { topic: string } }) {
  const actor = me(ctx);
  const topic = normalTopic(input.topic);
  await ctx.db.insert(topicFollows).values({ userId: actor.id, topic }).onConflictDoNothing();
  return { topic, following: true };
}

export async function unfollowTopic({ ctx, input }: { ctx: ActionContext; input: { topic: string } }) {
  const actor = me(ctx);
  const topic = normalTopic(input.topic);
  await ctx.db
    .delete(topicFollows)
    .where(and(eq(topicFollows.userId, actor.id), eq(topicFollows.topic, topic)));
  return { topic, following: false };
}

export async function listTopicFollows({ ctx }: { ctx: ActionContext }) {
  const actor = me(ctx);
  const rows = await ctx.db
    .select({ topic: topicFollows.topic })
    .from(topicFollows)
    .where(eq(topicFollows.userId, actor.id))
    .orderBy(topicFollows.topic);
  return { topics: rows.map((row) => row.topic) };
}
