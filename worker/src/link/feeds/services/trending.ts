import { and, eq, isNull, sql } from "drizzle-orm";
import { type ScoredMember, type SortedSetRead, StoreUnavailable } from "../../../adapters/store/interface";
import { campuses } from "../../../identity/schema";
import type { ActionContext } from "../../../shared/context";
import { notes, noteTopics } from "../../notes/schema";

/**
 * Trending #topics, overall and per campus, from counts that decay with a 24-hour half-life.
 *
 * Forward decay: rather than shrinking every stored score as time passes, an event at time t adds
 * weight · 2^((t − t0) / halfLife) — later events add exponentially more — so increments are plain
 * ZINCRBYs and no score ever needs rewriting. Any two scores in one set compare as their decayed
 * values would (the common factor 2^((t0 − now) / halfLife) cancels); multiplying by that factor
 * turns a stored score into today's decayed count. Growth must not overflow, so t0 moves: each
 * 7-day era has its own set (t0 = the era's start; scores grow at most 2^7 within it), and a read
 * adds the current and previous era, each times its own factor. An event older than both eras has
 * decayed below 1/128 of its weight and is let go (the sets expire).
 *
 * The cron (every 10 minutes, `refreshTrending`) turns the eras into one ready list per scope,
 * scores decayed to that moment and filtered to topics that still have a public note; a request
 * reads that list in one round trip, computes it live when it is missing, and counts from D1
 * (public notes of the last 7 days, decayed the same way) when the store is down.
 *
 * Only public, unhidden notes count, so trending never reveals a campus-only, followers-only or
 * private note's topic. A note counts toward its own campus (the author's when posted) and overall.
 */
const HALF_LIFE_MS = 24 * 3_600_000;
const ERA_MS = 7 * 86_400_000;
/** Two eras and a day: long enough for the previous era to be read throughout the current one. */
const ERA_TTL_SECONDS = (2 * ERA_MS + 86_400_000) / 1000;
/** Members kept per era set (the lowest scores are trimmed). */
const ERA_CAP = 500;
/** Candidates read from each era set before adding them up. */
const CANDIDATES = 150;
/** Topics in each ready list; also the most a request may ask for. */
export const TRENDING_MAX = 50;
/** Ready lists outlive two missed cron runs, then requests compute live. */
const READY_TTL_SECONDS = 30 * 60;
const FALLBACK_DAYS = 7;

/** How much each event adds to a note's topics: a new note most, then engagement with it. */
export const TRENDING_WEIGHTS = { post: 1, comment: 0.3, collect: 0.3, like: 0.2 } as const;
export type TrendingEvent = keyof typeof TRENDING_WEIGHTS;

type Scope = "all" | `campus:${string}`;
const scopeOf = (campus: string | null | undefined): Scope => (campus ? `campus:${campus}` : "all");
const eraOf = (at: number) => Math.floor(at / ERA_MS);
const eraKey = (era: number, scope: Scope) => `trending:${era}:${scope}`;
const readyKey = (scope: Scope) => `trending:ready:${scope}`;
/** 2^((at − the era's start) / halfLife). */
const growth = (at: number, era: number) => 2 ** ((at - era * ERA_MS) / HALF_LIFE_MS);

/**
 * Counts an event on a note toward its topics' trending, after the response (the request never
 * waits for the store). A note that is not public, is hidden or has no topics adds nothing.
 */
export function bumpTopics(ctx: ActionContext, noteId: string, event: TrendingEvent): void {
  ctx.waitUntil(addToTrending(ctx, noteId, TRENDING_WEIGHTS[event], Date.now()));
}

/** `bumpTopics` itself, awaitable and at a given time (tests replay older events with it). */
export async function addToTrending(ctx: ActionContext, noteId: string, weight: number, at: number) {
  try {
    const { db } = ctx;
    const [note, topics] = await db.batch([
      db
        .select({ campusId: notes.campusId })
        .from(notes)
        .where(and(eq(notes.id, noteId), eq(notes.visibility, "public"), isNull(notes.hiddenAt))),
      db.select({ topic: noteTopics.topic }).from(noteTopics).where(eq(noteTopics.noteId, noteId)),
    ]);
    const [row] = note;
    if (!row || topics.length === 0) return;
    const era = eraOf(at);
    const members = topics.map(({ topic }) => ({ member: topic, score: weight * growth(at, era) }));
    const scopes: Scope[] = row.campusId ? ["all", scopeOf(row.campusId)] : ["all"];
    await ctx.adapters.store.zadd(
      scopes.map((scope) => ({ key: eraKey(era, scope), members })),
      { cap: ERA_CAP, ttlSeconds: ERA_TTL_SECONDS, increment: true },
    );
  } catch (error) {
    // Best effort by design: D1 (note_topics) stays the truth, and the fallback reads it.
    console.warn(`trending: note ${noteId} not counted: ${error instanceof Error ? error.message : error}`);
  }
}

export interface TrendingTopic {
  topic: string;
  score: number;
}

/** Trending topics overall, or on one campus, highest decayed count first. */
export async function trendingTopics({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { campus?: string | undefined; limit: number };
}): Promise<{ topics: TrendingTopic[] }> {
  const scope = scopeOf(input.campus);
  const limit = Math.min(input.limit, TRENDING_MAX);
  const now = Date.now();
  try {
    const [ready, ...eras] = await ctx.adapters.store.zrangeDesc([
      { key: readyKey(scope), limit },
      ...eraReads(scope, now),
    ]);
    if (ready) return { topics: ready.map(shown) };
    const [live] = await listedOnly(ctx, [addEras(eras, now)]);
    return { topics: (live ?? []).slice(0, limit).map(shown) };
  } catch (error) {
    if (!(error instanceof StoreUnavailable)) throw error;
    return { topics: await fromD1(ctx, input.campus, limit, now) };
  }
}

/**
 * The cron step: every scope's ready list, decayed to `now`. One store read for all the era sets,
 * one D1 query to drop topics with no public note left (deleted, hidden, made private), one store
 * write. Replacing a list is a delete then an add; a request in between computes live.
 */
export async function refreshTrending(ctx: ActionContext, now: number) {
  const scopes: Scope[] = [
    "all",
    ...(await ctx.db.select({ id: campuses.id }).from(campuses)).map((c) => scopeOf(c.id)),
  ];
  const replies = await ctx.adapters.store.zrangeDesc(scopes.flatMap((scope) => eraReads(scope, now)));
  const lists = await listedOnly(
    ctx,
    scopes.map((_, i) => addEras(replies.slice(2 * i, 2 * i + 2), now)),
  );
  await ctx.adapters.store.del(scopes.map(readyKey));
  await ctx.adapters.store.zadd(
    scopes.map((scope, i) => ({ key: readyKey(scope), members: (lists[i] ?? []).slice(0, TRENDING_MAX) })),
    { ttlSeconds: READY_TTL_SECONDS },
  );
  return {
    scopes: scopes.length,
    topics: lists.reduce((n, list) => n + Math.min(list.length, TRENDING_MAX), 0),
  };
}

function eraReads(scope: Scope, now: number): SortedSetRead[] {
  const era = eraOf(now);
  return [
    { key: eraKey(era, scope), limit: CANDIDATES },
    { key: eraKey(era - 1, scope), limit: CANDIDATES },
  ];
}

/** The current and previous era's members (in `eraReads` order), as counts decayed to `now`. */
function addEras(eras: (ScoredMember[] | null)[], now: number): ScoredMember[] {
  const era = eraOf(now);
  const totals = new Map<string, number>();
  eras.forEach((members, i) => {
    const factor = 1 / growth(now, era - i);
    for (const { member, score } of members ?? [])
      totals.set(member, (totals.get(member) ?? 0) + score * factor);
  });
  return [...totals].map(([member, score]) => ({ member, score })).sort((a, b) => b.score - a.score);
}

/** Each list without the topics that no longer have a public, unhidden note (topic_counts). */
async function listedOnly(ctx: ActionContext, lists: ScoredMember[][]): Promise<ScoredMember[][]> {
  const topics = [...new Set(lists.flat().map((m) => m.member))];
  if (topics.length === 0) return lists;
  const known = await ctx.db.all<{ topic: string }>(
    sql`SELECT topic FROM topic_counts WHERE topic IN (SELECT value FROM json_each(${JSON.stringify(topics)}))`,
  );
  const keep = new Set(known.map((row) => row.topic));
  return lists.map((list) => list.filter((m) => keep.has(m.member)));
}

/**
 * With the store down: the same decayed count over the last 7 days of public notes, from D1
 * (posts only; engagement is counted in the store alone). Walks notes_created_idx over the week.
 */
async function fromD1(ctx: ActionContext, campus: string | undefined, limit: number, now: number) {
  const since = now - FALLBACK_DAYS * 86_400_000;
  const perMs = Math.LN2 / HALF_LIFE_MS;
  const rows = await ctx.db.all<{ topic: string; score: number }>(sql`
    SELECT nt.topic AS topic, sum(exp((nt.created_at - ${now}) * ${perMs})) AS score
    FROM ${notes} CROSS JOIN ${noteTopics} nt
    WHERE ${notes.createdAt} > ${since} AND ${notes.visibility} = 'public' AND ${notes.hiddenAt} IS NULL
      ${campus ? sql`AND ${notes.campusId} = ${campus}` : sql``}
      AND nt.note_id = ${notes.id}
    GROUP BY nt.topic
    ORDER BY score DESC, topic
    LIMIT ${limit}`);
  return rows.map((row) => shown({ member: row.topic, score: row.score }));
}

const shown = ({ member, score }: ScoredMember): TrendingTopic => ({
  topic: member,
  score: Math.round(score * 1000) / 1000,
});
