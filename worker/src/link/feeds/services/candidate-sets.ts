import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { type ScoredMember, type SortedSetWrite, StoreUnavailable } from "../../../adapters/store/interface";
import { inJsonList } from "../../../db/client";
import { campuses } from "../../../identity/schema";
import type { ActionContext } from "../../../shared/context";
import { noteCounts } from "../../engagement/schema";
import { type NoteVisibility, notes } from "../../notes/schema";
import { ageHours, coldRate, engagement, hotScore, inColdStart } from "../ranking";

/**
 * The discovery feed's candidate sets: Upstash sorted sets that always hold the notes worth
 * ranking, so a feed read never scans D1 for them.
 *
 * - `disc:all`              public notes, scored by `hotScore` (ranking.ts)
 * - `disc:campus:<id>`      public and campus-only notes of that campus, by `hotScore`
 * - `disc:new`              the cold-start pool: young public notes, by `coldRate`
 * - `disc:new:campus:<id>`  the same for the campus's public and campus-only notes
 *
 * Followers-only and private notes are never placed: discovery is for people who do not follow the
 * author (the following feed carries the rest), and a note that is never placed cannot leak. Each
 * set keeps its best `SET_CAP` members. Events keep them current note by note (`noteChanged`,
 * called after a like, collect, comment, credited follow, post, edit or moderation), and the
 * ten-minute cron re-scores every member (`refreshCandidateSets`: time decay moves every score),
 * drops what left, and rebuilds from D1 when the sets are gone or were not built by it (`BUILT_MARK`). Scores in a set are therefore at
 * most ten minutes old; the read path re-scores its candidates from D1's counts anyway, so the sets
 * only decide which notes are considered, never their final order.
 */
export const DISCOVER_KEYS = {
  all: "disc:all",
  fresh: "disc:new",
  campus: (campusId: string) => `disc:campus:${campusId}`,
  freshCampus: (campusId: string) => `disc:new:campus:${campusId}`,
} as const;

/**
 * Marks `disc:all` as built from D1 by the cron. An event alone can create a set (the first note
 * after a flush), and such a set holds only what happened since; without the mark it would pass
 * for complete and hide every older note. It sits above every real score, so trimming never drops
 * it, and readers skip it.
 */
export const BUILT_MARK = "~built";
const BUILT_SCORE = 1e300;

/** Whether a read of `disc:all` shows a set the cron built (else: read D1, the cron rebuilds). */
export const isBuilt = (all: ScoredMember[] | null) => all?.some((m) => m.member === BUILT_MARK) ?? false;

export const SET_CAP = 2000;
/** Renewed by every write and each cron run; two days without either and the sets rebuild. */
export const SET_TTL_SECONDS = 2 * 24 * 3600;
/** After a month a note's hot score is negligible (gravity 1.8); it leaves the sets. */
const HOT_MAX_AGE_HOURS = 30 * 24;
/** A rebuild reads the last week of notes from D1, at most `REBUILD_MAX_PAGES` pages. */
const REBUILD_WINDOW_MS = 7 * 24 * 3_600_000;
const PAGE_ROWS = 500;
const REBUILD_MAX_PAGES = 20;
/** Members written per store call, to keep each pipeline's body small. */
const WRITE_CHUNK = 1000;

/** What placing a note needs: its visibility, campus, age and counts. */
export interface NoteFacts {
  id: string;
  campusId: string | null;
  visibility: NoteVisibility;
  hiddenAt: number | null;
  createdAt: number;
  likes: number;
  collects: number;
  comments: number;
  followsGained: number;
}

export const noteFactsColumns = {
  id: notes.id,
  campusId: notes.campusId,
  visibility: notes.visibility,
  hiddenAt: notes.hiddenAt,
  createdAt: notes.createdAt,
  likes: sql<number>`coalesce(${noteCounts.likes}, 0)`.mapWith(Number),
  collects: sql<number>`coalesce(${noteCounts.collects}, 0)`.mapWith(Number),
  comments: sql<number>`coalesce(${noteCounts.comments}, 0)`.mapWith(Number),
  followsGained: sql<number>`coalesce(${noteCounts.followsGained}, 0)`.mapWith(Number),
};

/** Every set a note of this campus could be in. */
export function keysOf(campusId: string | null): string[] {
  const keys: string[] = [DISCOVER_KEYS.all, DISCOVER_KEYS.fresh];
  if (campusId) keys.push(DISCOVER_KEYS.campus(campusId), DISCOVER_KEYS.freshCampus(campusId));
  return keys;
}

/** Where a note belongs now and with which score; every other key of `keysOf` must not hold it. */
export function placement(note: NoteFacts, now: number): Map<string, number> {
  const placed = new Map<string, number>();
  const hours = ageHours(note.createdAt, now);
  const discoverable =
    note.hiddenAt === null &&
    (note.visibility === "public" || note.visibility === "campus") &&
    hours < HOT_MAX_AGE_HOURS;
  if (!discoverable) return placed;
  const engaged = engagement({ ...note, shares: 0 });
  const hot = hotScore(engaged, hours);
  const isPublic = note.visibility === "public";
  if (isPublic) placed.set(DISCOVER_KEYS.all, hot);
  if (note.campusId) placed.set(DISCOVER_KEYS.campus(note.campusId), hot);
  if (inColdStart(engaged, hours)) {
    const rate = coldRate(engaged, hours);
    if (isPublic) placed.set(DISCOVER_KEYS.fresh, rate);
    if (note.campusId) placed.set(DISCOVER_KEYS.freshCampus(note.campusId), rate);
  }
  return placed;
}

/** Re-places one note from D1 now: one D1 read and one or two store calls. */
export async function syncNote(ctx: ActionContext, noteId: string, now = Date.now()): Promise<void> {
  const facts = await ctx.db
    .select(noteFactsColumns)
    .from(notes)
    .leftJoin(noteCounts, eq(noteCounts.noteId, notes.id))
    .where(eq(notes.id, noteId))
    .get();
  if (!facts) return;
  const placed = placement(facts, now);
  const writes = [...placed].map(([key, score]) => ({ key, members: [{ member: facts.id, score }] }));
  const elsewhere = keysOf(facts.campusId).filter((key) => !placed.has(key));
  if (writes.length) await ctx.adapters.store.zadd(writes, { cap: SET_CAP, ttlSeconds: SET_TTL_SECONDS });
  if (elsewhere.length) await ctx.adapters.store.zrem(elsewhere, [facts.id]);
}

/** Reports a failure without failing the request that caused it; the cron repairs the sets. */
function logged(what: string, noteId: string) {
  return (error: unknown) => {
    const reason = error instanceof StoreUnavailable ? "store unreachable" : String(error);
    console.warn(`candidate sets: ${what} ${noteId} skipped (${reason}); the feeds cron repairs it`);
  };
}

/**
 * After something that changes a note's score or eligibility (engagement, edit, moderation): the
 * note is re-placed in the background, after the response.
 */
export function noteChanged(ctx: ActionContext, noteId: string): void {
  ctx.waitUntil(syncNote(ctx, noteId).catch(logged("sync", noteId)));
}

/** A deleted note leaves every set it could be in (its row is gone, so the caller passes its campus). */
export function noteRemoved(ctx: ActionContext, note: { id: string; campusId: string | null }): void {
  ctx.waitUntil(ctx.adapters.store.zrem(keysOf(note.campusId), [note.id]).catch(logged("removal", note.id)));
}

export interface RefreshReport {
  rebuilt: boolean;
  notes: number;
  written: number;
  removed: number;
}

/**
 * The ten-minute cron step. Reads every set (one store call), loads their members' facts from D1
 * in pages of ids, re-scores them at `now` (decay), writes the scores back and removes members that
 * no longer belong (deleted, hidden, made private, aged out). When `disc:all` is missing (a flushed
 * or expired store, a first deploy), the last week of notes is read from D1 to rebuild every set.
 */
export async function refreshCandidateSets(ctx: ActionContext, now: number): Promise<RefreshReport> {
  const { db } = ctx;
  const campusIds = (await db.select({ id: campuses.id }).from(campuses)).map((c) => c.id);
  const keys = [DISCOVER_KEYS.all, DISCOVER_KEYS.fresh, ...campusIds.flatMap((id) => keysOf(id).slice(2))];
  const current = await ctx.adapters.store.zrangeDesc(keys.map((key) => ({ key, limit: SET_CAP + 1 })));
  const rebuilt = !isBuilt(current[0] ?? null);

  const facts = new Map<string, NoteFacts>();
  if (rebuilt) {
    let after: { at: number; id: string } | null = null;
    for (let page = 0; page < REBUILD_MAX_PAGES; page++) {
      const rows: NoteFacts[] = await db
        .select(noteFactsColumns)
        .from(notes)
        .leftJoin(noteCounts, eq(noteCounts.noteId, notes.id))
        .where(
          and(
            gt(notes.createdAt, now - REBUILD_WINDOW_MS),
            isNull(notes.hiddenAt),
            inArray(notes.visibility, ["public", "campus"]),
            after
              ? or(lt(notes.createdAt, after.at), and(eq(notes.createdAt, after.at), lt(notes.id, after.id)))
              : undefined,
          ),
        )
        .orderBy(desc(notes.createdAt), desc(notes.id))
        .limit(PAGE_ROWS);
      for (const row of rows) facts.set(row.id, row);
      const last = rows.at(-1);
      if (!last || rows.length < PAGE_ROWS) break;
      after = { at: last.createdAt, id: last.id };
    }
  }
  const members = [...new Set(current.flatMap((set) => (set ?? []).map((m) => m.member)))].filter(
    (id) => id !== BUILT_MARK && !facts.has(id),
  );
  for (let i = 0; i < members.length; i += PAGE_ROWS) {
    const rows = await db
      .select(noteFactsColumns)
      .from(notes)
      .leftJoin(noteCounts, eq(noteCounts.noteId, notes.id))
      .where(inJsonList(notes.id, members.slice(i, i + PAGE_ROWS)));
    for (const row of rows) facts.set(row.id, row);
  }

  const wanted = new Map<string, ScoredMember[]>();
  for (const note of facts.values())
    for (const [key, score] of placement(note, now)) {
      const list = wanted.get(key) ?? [];
      list.push({ member: note.id, score });
      wanted.set(key, list);
    }
  // Writes go out in calls of about `WRITE_CHUNK` members, several sets to a call.
  let written = 0;
  let chunk: SortedSetWrite[] = [];
  let chunkSize = 0;
  const flush = async () => {
    if (chunk.length) await ctx.adapters.store.zadd(chunk, { cap: SET_CAP, ttlSeconds: SET_TTL_SECONDS });
    written += chunkSize;
    chunk = [];
    chunkSize = 0;
  };
  for (const [key, list] of wanted) {
    list.sort((a, b) => b.score - a.score);
    const kept = list.slice(0, SET_CAP);
    for (let i = 0; i < kept.length; i += WRITE_CHUNK) {
      const members = kept.slice(i, i + WRITE_CHUNK);
      if (chunkSize + members.length > WRITE_CHUNK) await flush();
      chunk.push({ key, members });
      chunkSize += members.length;
    }
  }
  chunk.push({ key: DISCOVER_KEYS.all, members: [{ member: BUILT_MARK, score: BUILT_SCORE }] });
  await flush();
  let removed = 0;
  for (const [i, key] of keys.entries()) {
    const belong = new Set((wanted.get(key) ?? []).map((m) => m.member)).add(BUILT_MARK);
    const stale = (current[i] ?? []).map((m) => m.member).filter((id) => !belong.has(id));
    if (stale.length) {
      await ctx.adapters.store.zrem([key], stale);
      removed += stale.length;
    }
  }
  return { rebuilt, notes: facts.size, written, removed };
}
