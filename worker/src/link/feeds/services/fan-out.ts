import { and, asc, eq, gt, gte, or } from "drizzle-orm";
import type { Env } from "../../../env";
import { memberCampusSql } from "../../../identity";
import { users } from "../../../identity/schema";
import { type Adapters, systemContext } from "../../../shared/context";
import { follows, userCounts } from "../../engagement/schema";
import { notes } from "../../notes/schema";
import { listedNotesTo } from "../../notes/services/visibility";
import { feedActivity } from "../schema";
import {
  ACTIVE_WINDOW_MS,
  feedSettings,
  TIMELINE_TTL_SECONDS,
  type TimelineJob,
  timelineKey,
} from "./timelines";

/*
 * The work of the `fanout` queue (jobs/consume.ts is its consumer loop and retry policy; queues.ts wires it here): a note
 * written into, or taken out of, its readers' following-feed timelines. Both only add or remove one
 * member per timeline, so running a job twice leaves the timelines as running it once.
 */

/** Followers per D1 page, each page written to the store in one pipeline. */
const FOLLOWER_PAGE = 500;

/** Where the previous page of follows ended. */
type FollowCursor = { at: number; id: string };

/**
 * Keyset over follows_followee_idx (followee, created_at) plus the follower id for ties: the
 * follows after `from` in `followOrder` (all of them on the first page).
 */
const followsAfter = (from: FollowCursor | null) =>
  from
    ? or(gt(follows.createdAt, from.at), and(eq(follows.createdAt, from.at), gt(follows.followerId, from.id)))
    : undefined;
const followOrder = [asc(follows.createdAt), asc(follows.followerId)] as const;

export interface FanoutReport {
  /** Timelines the note was written into (one sorted-set add each). */
  timelines: number;
  /** D1 pages of followers read, each followed by one store pipeline when it had anyone. */
  pages: number;
  /** Why nothing was written, when nothing was. */
  skipped?: "missing" | "not-listed" | "big-author";
}

/**
 * Writes a note into the timeline of each follower active in the last days who may see it, by
 * the same rule every list uses (`listedNotesTo`, asked for each follower row in SQL). Private or
 * hidden notes reach nobody; authors over the threshold are merged at read time instead.
 * Exported for the benchmark: it reports how many timelines one note cost.
 */
export async function fanOutNote(env: Env, noteId: string, adapters: Adapters): Promise<FanoutReport> {
  const ctx = systemContext(env, adapters);
  const { db } = ctx;
  const settings = feedSettings(env);
  const note = await db
    .select({
      authorId: notes.authorId,
      createdAt: notes.createdAt,
      visibility: notes.visibility,
      hiddenAt: notes.hiddenAt,
      followers: userCounts.followers,
    })
    .from(notes)
    .leftJoin(userCounts, eq(userCounts.userId, notes.authorId))
    .where(eq(notes.id, noteId))
    .get();
  if (!note) return { timelines: 0, pages: 0, skipped: "missing" };
  if (note.visibility === "private" || note.hiddenAt !== null)
    return { timelines: 0, pages: 0, skipped: "not-listed" };
  if ((note.followers ?? 0) > settings.maxFollowers) return { timelines: 0, pages: 0, skipped: "big-author" };

  const since = Date.now() - ACTIVE_WINDOW_MS;
  let timelines = 0;
  let pages = 0;
  let from: FollowCursor | null = null;
  for (;;) {
    const page = await db
      .select({ id: follows.followerId, at: follows.createdAt })
      .from(follows)
      .innerJoin(feedActivity, eq(feedActivity.userId, follows.followerId))
      .innerJoin(users, eq(users.id, follows.followerId))
      .innerJoin(notes, eq(notes.id, noteId))
      .where(
        and(
          eq(follows.followeeId, note.authorId),
          gte(feedActivity.activeAt, since),
          listedNotesTo({
            id: follows.followerId,
            campusId: memberCampusSql(),
          }),
          followsAfter(from),
        ),
      )
      .orderBy(...followOrder)
      .limit(FOLLOWER_PAGE)
      .all();
    pages += 1;
    if (page.length > 0) {
      await ctx.adapters.store.zadd(
        page.map((f) => ({
          key: timelineKey(f.id),
          members: [{ member: noteId, score: note.createdAt }],
        })),
        { cap: settings.cap, ttlSeconds: TIMELINE_TTL_SECONDS },
      );
      timelines += page.length;
    }
    const last = page.at(-1);
    if (page.length < FOLLOWER_PAGE || !last) break;
    from = { at: last.at, id: last.id };
  }
  return { timelines, pages };
}

/**
 * Takes a deleted note out of the timelines it may be in: those of the author's followers whose
 * timeline can still exist (read within its TTL). Reads drop a missing note anyway; this keeps
 * their pages full.
 */
export async function withdrawNote(
  env: Env,
  noteId: string,
  authorId: string,
  adapters: Adapters,
): Promise<number> {
  const ctx = systemContext(env, adapters);
  const since = Date.now() - TIMELINE_TTL_SECONDS * 1000;
  let removed = 0;
  let from: FollowCursor | null = null;
  for (;;) {
    const page = await ctx.db
      .select({ id: follows.followerId, at: follows.createdAt })
      .from(follows)
      .innerJoin(feedActivity, eq(feedActivity.userId, follows.followerId))
      .where(and(eq(follows.followeeId, authorId), gte(feedActivity.activeAt, since), followsAfter(from)))
      .orderBy(...followOrder)
      .limit(FOLLOWER_PAGE)
      .all();
    if (page.length > 0)
      await ctx.adapters.store.zrem(
        page.map((f) => timelineKey(f.id)),
        [noteId],
      );
    removed += page.length;
    const last = page.at(-1);
    if (page.length < FOLLOWER_PAGE || !last) break;
    from = { at: last.at, id: last.id };
  }
  return removed;
}

/** One `fanout` queue job; its line in the log says what it cost (the benchmark reads it). */
export async function runFanoutJob(env: Env, adapters: Adapters, job: TimelineJob): Promise<void> {
  const started = Date.now();
  const report =
    job.kind === "fanout"
      ? await fanOutNote(env, job.noteId, adapters)
      : await withdrawNote(env, job.noteId, job.authorId, adapters);
  console.log(`${job.key}: ${JSON.stringify(report)} in ${Date.now() - started} ms`);
}
