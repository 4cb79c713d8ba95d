import { and, desc, eq, gt, inArray, ne, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { type SortedSetRead, StoreUnavailable } from "../../../adapters/store/interface";
import { inJsonList } from "../../../db/client";
import { memberCampus } from "../../../identity";
import { invitations } from "../../../pro/schema";
import { type ActionContext, me } from "../../../shared/context";
import { decodeCursor, encodeCursor } from "../../../shared/cursor";
import { BadRequest } from "../../../shared/errors";
import { confirmSession, sessionCheck } from "../../../shared/session-proof";
import { timed } from "../../../telemetry/usage";
import { follows, noteCounts, noteLikes, topicFollows } from "../../engagement/schema";
import { events } from "../../events/schema";
import { type Note, notes, noteTopics } from "../../notes/schema";
import { noteViews } from "../../notes/services/notes";
import { listedNotes, visibleNote } from "../../notes/services/visibility";
import { type Candidate, DIVERSITY_WINDOW, NO_SIGNALS, rankPage, type ViewerSignals } from "../ranking";
import { notInterested } from "../schema";
import { BUILT_MARK, DISCOVER_KEYS, isBuilt } from "./candidate-sets";

/**
 * The discovery feed, `GET /api/feed/discover`. Per page: ONE store call (the candidate sets of
 * candidate-sets.ts, one pipeline), ONE D1 batch (the candidates, filtered by `listedNotes`, with
 * their counts and topics, and the viewer's signals), ranking in memory (ranking.ts), then ONE D1
 * batch for the page's note views. When the store is unreachable or its sets are gone, the
 * candidates come from D1 instead (the newest discoverable notes), ranked the same way.
 *
 * Pagination over a personal ranking. Scores move between pages (likes arrive, time decays), so
 * neither a score nor an offset is a stable position. The cursor therefore carries the snapshot
 * time (every page is scored as of the first page's instant, so decay cannot reshuffle) and the
 * notes already served, as 8-hex-digit id prefixes (32 bits: among a few hundred notes a collision
 * is about one in ten thousand and would only hide one note). Each page reads
 * `served + k` members from each set, so at least `k` unserved ones remain. A visit ends after
 * `MAX_SERVED` notes; pulling to refresh starts a new snapshot.
 */
export const MAX_SERVED = 200;
const PREFIX = 8;
/** Unserved candidates read per page, as multiples of the page size. */
const WINDOW = { all: 2, campus: 2, fresh: 1, freshCampus: 1 } as const;
/** Without the store: the newest discoverable notes of the last week. */
const FALLBACK_WINDOW_MS = 7 * 24 * 3_600_000;
/** The viewer's signals are bounded: the latest likes, not-interested marks and followed topics. */
const RECENT_LIKES = 50;
const RECENT_NOT_INTERESTED = 100;
const FOLLOWED_TOPICS = 200;

const CursorSchema = z.object({
  t: z.number().int().positive(),
  s: z
    .string()
    .max(MAX_SERVED * PREFIX)
    .regex(/^([0-9a-f]{8})*$/),
  a: z.array(z.string().max(64)).max(DIVERSITY_WINDOW - 1),
});

const prefix = (id: string) => id.slice(0, PREFIX).toLowerCase();

export async function discoverFeed({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { limit: number; cursor?: string | undefined };
}) {
  const { db } = ctx;
  const viewer = ctx.actor;
  const cursor = input.cursor ? decodeCursor(input.cursor, CursorSchema) : null;
  const realNow = Date.now();
  if (cursor && cursor.t > realNow + 60_000)
    throw new BadRequest("The cursor is not valid.", { field: "cursor" });
  const now = cursor?.t ?? realNow;
  const servedList = cursor ? (cursor.s.match(/.{8}/g) ?? []) : [];
  const served = new Set(servedList);
  const { limit } = input;

  // 1. The store: one pipeline over the sets this viewer draws from.
  const reads: SortedSetRead[] = [
    { key: DISCOVER_KEYS.all, limit: served.size + WINDOW.all * limit + 1 },
    { key: DISCOVER_KEYS.fresh, limit: served.size + WINDOW.fresh * limit },
  ];
  const campus = viewer ? memberCampus(viewer) : null;
  if (campus)
    reads.push(
      { key: DISCOVER_KEYS.campus(campus), limit: served.size + WINDOW.campus * limit },
      { key: DISCOVER_KEYS.freshCampus(campus), limit: served.size + WINDOW.freshCampus * limit },
    );
  let ids: string[] | null = null;
  let setsExhausted = false;
  try {
    const sets = await ctx.adapters.store.zrangeDesc(reads);
    // Sets the cron has not built (flushed, expired, or made by an event alone): D1 serves until it does.
    if (isBuilt(sets[0] ?? null)) {
      ids = [...new Set(sets.flatMap((set) => (set ?? []).map((m) => m.member)))].filter(
        (id) => id !== BUILT_MARK && !served.has(prefix(id)),
      );
      setsExhausted = sets.every((set, i) => (set?.length ?? 0) < (reads[i]?.limit ?? 0));
    }
  } catch (error) {
    if (!(error instanceof StoreUnavailable)) throw error;
  }
  if (ids !== null && ids.length === 0) return { notes: [], nextCursor: null };

  // 2. D1, one batch: the candidates the viewer may see, and what the viewer's ranking needs.
  const fallbackLimit = served.size + (WINDOW.all + WINDOW.fresh) * limit;
  const discoverable: (SQL | undefined)[] = [
    inArray(notes.visibility, ["public", "campus"]),
    listedNotes(viewer),
    viewer ? ne(notes.authorId, viewer.id) : undefined,
    viewer
      ? sql`not exists (select 1 from ${notInterested} ni where ni.user_id = ${viewer.id} and ni.note_id = ${notes.id})`
      : undefined,
  ];
  const candidateQuery = db
    .select({
      note: notes,
      likes: sql<number>`coalesce(${noteCounts.likes}, 0)`.mapWith(Number),
      collects: sql<number>`coalesce(${noteCounts.collects}, 0)`.mapWith(Number),
      comments: sql<number>`coalesce(${noteCounts.comments}, 0)`.mapWith(Number),
      followsGained: sql<number>`coalesce(${noteCounts.followsGained}, 0)`.mapWith(Number),
      eventEnd: sql<
        number | null
      >`${invitations.scheduledStart} + ${invitations.durationMinutes} * 60000`.mapWith((v) =>
        v === null ? null : Number(v),
      ),
      eventStatus: invitations.status,
      eventOrganiser: events.organiserId,
      eventExpert: sql<
        string | null
      >`case when ${invitations.expertNamedPublicly} then ${invitations.expertId} end`,
      topicList: sql<
        string | null
      >`(select group_concat(nt.topic, ' ') from ${noteTopics} nt where nt.note_id = ${notes.id})`,
    })
    .from(notes)
    .leftJoin(noteCounts, eq(noteCounts.noteId, notes.id))
    .leftJoin(events, eq(events.noteId, notes.id))
    .leftJoin(invitations, eq(invitations.id, events.invitationId));
  const candidates =
    ids !== null
      ? candidateQuery.where(and(inJsonList(notes.id, ids), ...discoverable))
      : candidateQuery
          .where(and(gt(notes.createdAt, now - FALLBACK_WINDOW_MS), ...discoverable))
          .orderBy(desc(notes.createdAt), desc(notes.id))
          .limit(fallbackLimit);

  let rows: Awaited<typeof candidates>;
  let signals: ViewerSignals = NO_SIGNALS;
  if (viewer) {
    const recentMarks = db
      .select({ noteId: notInterested.noteId })
      .from(notInterested)
      .where(eq(notInterested.userId, viewer.id))
      .orderBy(desc(notInterested.createdAt))
      .limit(RECENT_NOT_INTERESTED);
    const [session, found, topics, liked, markedAuthors, markedTopics, followed] = await db.batch([
      sessionCheck(ctx),
      candidates,
      db
        .select({ topic: topicFollows.topic })
        .from(topicFollows)
        .where(eq(topicFollows.userId, viewer.id))
        .limit(FOLLOWED_TOPICS),
      db
        .select({ authorId: notes.authorId })
        .from(noteLikes)
        .innerJoin(notes, eq(notes.id, noteLikes.noteId))
        .where(eq(noteLikes.userId, viewer.id))
        .orderBy(desc(noteLikes.createdAt))
        .limit(RECENT_LIKES),
      db
        .select({ authorId: notInterested.authorId })
        .from(notInterested)
        .where(eq(notInterested.userId, viewer.id))
        .orderBy(desc(notInterested.createdAt))
        .limit(RECENT_NOT_INTERESTED),
      db
        .selectDistinct({ topic: noteTopics.topic })
        .from(noteTopics)
        .where(inArray(noteTopics.noteId, recentMarks)),
      // Only the candidates' event people matter: organisers and experts the viewer follows.
      db
        .select({ id: follows.followeeId })
        .from(follows)
        .innerJoin(events, eq(events.organiserId, follows.followeeId))
        .where(eq(follows.followerId, viewer.id))
        .union(
          db
            .select({ id: follows.followeeId })
            .from(follows)
            .innerJoin(invitations, eq(invitations.expertId, follows.followeeId))
            .innerJoin(events, eq(events.invitationId, invitations.id))
            .where(eq(follows.followerId, viewer.id)),
        ),
    ]);
    confirmSession(ctx, session);
    rows = found;
    signals = {
      campusId: memberCampus(viewer),
      followedTopics: new Set(topics.map((t) => t.topic)),
      engagedAuthors: new Set(liked.map((l) => l.authorId)),
      notInterestedAuthors: new Set(markedAuthors.map((m) => m.authorId)),
      notInterestedTopics: new Set(markedTopics.map((m) => m.topic)),
      followedPeople: new Set(followed.map((f) => f.id)),
    };
  } else {
    rows = await candidates;
  }

  // 3. Rank in memory, then one batch for the page's views.
  const open = rows.filter((row) => !served.has(prefix(row.note.id)));
  const byId = new Map(open.map((row) => [row.note.id, row.note]));
  const page = timed("rank", () =>
    rankPage(open.map(toCandidate), signals, now, {
      limit,
      recentAuthors: cursor?.a ?? [],
      offset: served.size,
    }),
  );
  const pageRows = page.map((c) => byId.get(c.id)).filter((note): note is Note => note !== undefined);
  const views = await noteViews(ctx, pageRows);

  const total = served.size + page.length;
  const moreCandidates =
    open.length > page.length || (ids !== null ? !setsExhausted : rows.length >= fallbackLimit);
  const nextCursor =
    page.length > 0 && total < MAX_SERVED && moreCandidates
      ? encodeCursor({
          t: now,
          s: [...servedList, ...page.map((c) => prefix(c.id))].join(""),
          a: [...(cursor?.a ?? []), ...page.map((c) => c.authorId)].slice(-(DIVERSITY_WINDOW - 1)),
        })
      : null;
  return { notes: views, nextCursor };
}

interface CandidateRow {
  note: Note;
  eventEnd: number | null;
  eventStatus: string | null;
  eventOrganiser: string | null;
  eventExpert: string | null;
  likes: number;
  collects: number;
  comments: number;
  followsGained: number;
  topicList: string | null;
}

function toCandidate({
  note,
  topicList,
  eventEnd,
  eventStatus,
  eventOrganiser,
  eventExpert,
  ...counts
}: CandidateRow): Candidate {
  return {
    event:
      eventOrganiser === null
        ? null
        : {
            endsAt: eventEnd ?? 0,
            scheduled: eventStatus === "scheduled",
            people: eventExpert ? [eventOrganiser, eventExpert] : [eventOrganiser],
          },
    id: note.id,
    authorId: note.authorId,
    campusId: note.campusId,
    topics: topicList ? topicList.split(" ") : [],
    createdAt: note.createdAt,
    // atas-link has no share action yet: shares are 0 (ranking.ts keeps their weight).
    signals: { ...counts, shares: 0 },
  };
}

/**
 * "Not interested": the note leaves the viewer's discovery feed for good, and its author and
 * topics weigh less for them from the next read on (ranking.ts). Only a note the viewer may see
 * can be marked (404 otherwise, as everywhere); marking twice changes nothing.
 */
export async function markNotInterested({ ctx, input }: { ctx: ActionContext; input: { noteId: string } }) {
  const actor = me(ctx);
  const note = await visibleNote(ctx, actor, input.noteId);
  if (note.authorId === actor.id) throw new BadRequest("That is your own note.");
  await ctx.db
    .insert(notInterested)
    .values({ userId: actor.id, noteId: note.id, authorId: note.authorId })
    .onConflictDoNothing();
}
