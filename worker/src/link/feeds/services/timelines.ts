import { desc, eq } from "drizzle-orm";
import { StoreUnavailable } from "../../../adapters/store/interface";
import type { Env } from "../../../env";
import type { FanoutJob } from "../../../jobs/contracts";
import type { ActionContext } from "../../../shared/context";
import { notes } from "../../notes/schema";

/**
 * Following-feed timelines in the store (Mastodon's home feeds): `tl:<userId>` is a sorted set of
 * note ids scored by the note's created_at (ms), trimmed to the newest `cap`. They hold only what
 * D1 can rebuild. This file is what the write paths (notes, follows, blocks) need; the read is in
 * following-feed.ts and the fan-out work in fan-out.ts.
 */
/** The fan-out queue's jobs about timelines (the queue also carries events' invitation changes). */
export type TimelineJob = Extract<FanoutJob, { kind: "fanout" | "withdraw" }>;

export const timelineKey = (userId: string) => `tl:${userId}`;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Fan-out writes only into the timelines of followers who read their feed this recently. */
export const ACTIVE_WINDOW_MS = 7 * DAY_MS;
/**
 * A timeline lives a day longer than the activity window (renewed on every read and write), so a
 * follower fan-out counts as active still has the timeline it writes into.
 */
export const TIMELINE_TTL_SECONDS = (ACTIVE_WINDOW_MS + DAY_MS) / 1000;

/**
 * The bottom marker of a timeline built from D1 that holds every note it could (fewer than the
 * cap). It keeps an empty timeline apart from a missing one, so an empty feed is not rebuilt on
 * every read; its score 0 is below every note, so trimming at the cap removes it first, which is
 * right: a trimmed timeline no longer reaches the bottom.
 */
export const TIMELINE_BOTTOM = "~bottom";

export interface FeedSettings {
  /** Entries kept per timeline. */
  cap: number;
  /** Authors with more followers are merged at read time instead of fanned out. */
  maxFollowers: number;
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function feedSettings(env: Env): FeedSettings {
  return {
    cap: positive(env.FEED_TIMELINE_CAP, 800),
    maxFollowers: positive(env.FANOUT_MAX_FOLLOWERS, 10_000),
  };
}

/**
 * Queues timeline work for a note whose row is already committed (the consumer reads it back).
 * A failed send loses no data: the note is in D1, and a follower's rebuild or the D1 read path
 * still finds it, so the write that called this is not failed for it.
 */
export async function enqueueTimelineWork(ctx: ActionContext, job: TimelineJob): Promise<void> {
  try {
    await ctx.env.FANOUT_QUEUE.send(job, { contentType: "json" });
  } catch (error) {
    console.warn(`timeline job ${job.kind} ${job.noteId} not queued: ${String(error)}`);
  }
}

export const fanoutJob = (noteId: string): TimelineJob => ({
  kind: "fanout",
  key: `fanout:${noteId}`,
  noteId,
});

/**
 * Takes the authors' notes out of the readers' timelines, on unfollow and block, so the next page
 * is not cut short by notes the read would filter out (the read filters them too, as a safety net).
 * A timeline holds at most `cap` notes, so each author's newest `cap` are all that can be there.
 */
export async function forgetAuthors(ctx: ActionContext, readers: string[], authors: string[]): Promise<void> {
  const [first, ...rest] = authors.map((authorId) =>
    ctx.db
      .select({ id: notes.id })
      .from(notes)
      .where(eq(notes.authorId, authorId))
      .orderBy(desc(notes.createdAt), desc(notes.id))
      .limit(feedSettings(ctx.env).cap),
  );
  if (!first || readers.length === 0) return;
  const found = await ctx.db.batch([first, ...rest]);
  const ids = found.flat().map((row) => row.id);
  if (ids.length === 0) return;
  try {
    await ctx.adapters.store.zrem(readers.map(timelineKey), ids);
  } catch (error) {
    if (!(error instanceof StoreUnavailable)) throw error;
    console.warn(`timelines not trimmed after a follow ended: ${error.message}`);
  }
}
