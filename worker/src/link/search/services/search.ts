import { getTableColumns, sql } from "drizzle-orm";
import { z } from "zod";
import { memberCampus } from "../../../identity";
import type { Role } from "../../../identity/schema";
import type { ActionContext } from "../../../shared/context";
import { decodeCursor, encodeCursor } from "../../../shared/cursor";
import { BadRequest } from "../../../shared/errors";
import { type Note, notes } from "../../notes/schema";
import { type NoteView, noteViews } from "../../notes/services/notes";
import { listedNotes } from "../../notes/services/visibility";

/**
 * Search over atas-link: notes, people and #topics. The indexes (FTS5 tables `note_search` and
 * `user_search`, the `topic_counts` table) are kept by triggers in migrations/0022_link_search.sql.
 *
 * Highlights follow the app's one rule: plain text in which each match is wrapped in U+E000 … U+E001
 * (private-use characters, never HTML), which the web turns into <mark> elements.
 */
export const MARK_START = "\uE000";
export const MARK_END = "\uE001";
const MARKS = sql.raw("char(57344), char(57345)");

const MAX_TERMS = 8;
/**
 * Han and kana, which unicode61 would keep as one long token per run; the index puts U+200B around
 * each such character (see the migration) and a query spells them the same way, one token each.
 * The ranges must match the migration's.
 */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/gu;
const SPLIT = /\u200b/g;

/**
 * The user's words as an FTS5 expression that cannot be read as FTS syntax: each word is a quoted
 * string (so AND, OR, NEAR, *, ^, parentheses and column filters are plain text); Han/kana in a
 * word are spaced into a phrase of single characters, which matches them adjacent in the text; the
 * last word is a prefix. Words with no letter or digit would tokenize to nothing and are dropped;
 * with nothing left the query is a 400.
 */
export function matchWords(q: string): string {
  const words = q
    .replace(/[\uE000\uE001]/g, "")
    .split(/[\s\u200b]+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, MAX_TERMS);
  if (words.length === 0) throw new BadRequest("Search for at least one word.", { field: "q" });
  return words
    .map((word, i) => {
      const spelled = word.replace(CJK, (c) => ` ${c} `).trim();
      return `"${spelled.replaceAll('"', '""')}"${i === words.length - 1 ? "*" : ""}`;
    })
    .join(" ");
}

/** A facet token as the migration builds it: a kind, then SQLite's hex() of the value (UTF-8 bytes). */
function facet(kind: string, value: string): string {
  const hex = Array.from(new TextEncoder().encode(value), (b) => b.toString(16).padStart(2, "0"));
  return `"${kind}${hex.join("")}"`;
}

/**
 * The notes the viewer could see, as facets inside the index: public ones, their own, their
 * campus's campus notes and every followers-only note (whether they follow the author is for
 * `listedNotes`). Hidden notes are left out here too. This keeps a search from reading rows nobody
 * may show, so a page costs about a page of reads.
 */
function seenBy(viewer: ActionContext["actor"]): string {
  const seen = ['"vpublic"'];
  if (viewer) {
    seen.push('"vfollowers"', facet("a", viewer.id));
    const campus = memberCampus(viewer);
    if (campus) seen.push(facet("vc", campus));
  }
  return `{facets} : (${seen.join(" OR ")})`;
}

/** bm25 weights in the table's column order (note_id, title, body, facets): a title match counts 4×. */
const NOTE_RANK = "bm25(0.0, 4.0, 1.0, 0.0)";
const USER_RANK = "bm25(0.0, 5.0, 1.0, 0.0)";

const RelevanceCursor = z.object({ s: z.number(), rid: z.number().int() });
type RelevanceCursor = z.infer<typeof RelevanceCursor>;

export interface NoteHit {
  note: NoteView;
  highlight: { title: string; body: string };
}

/**
 * Notes matching `q` that the viewer may see, best first (bm25, title above body). FTS5 ranks and
 * filters by facets itself (ORDER BY rank), the notes row of each candidate is checked against
 * `listedNotes`, and SQLite stops at the end of the page. Pages continue by keyset on (rank, rowid).
 */
export async function searchNotes({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { q: string; limit: number; cursor?: string | undefined };
}): Promise<{ results: NoteHit[]; nextCursor: string | null }> {
  const words = matchWords(input.q);
  const after = input.cursor ? decodeCursor(input.cursor, RelevanceCursor) : null;
  const match = `({title body} : (${words})) AND (${seenBy(ctx.actor)}) NOT {facets} : "h1"`;
  const rows = await ftsQuery(() => ctx.db.all<NoteRow>(noteQuery(ctx.actor, match, after, input.limit + 1)));
  const page = rows.slice(0, input.limit);
  const views = await noteViews(ctx, page.map(toNote));
  const last = page.at(-1);
  return {
    results: views.map((note, i) => ({
      note,
      highlight: { title: clean(page[i]?.hlTitle), body: clean(page[i]?.hlBody) },
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ s: last.score, rid: last.rid }) : null,
  };
}

type NoteRow = Record<string, unknown> & { rid: number; score: number; hlTitle: string; hlBody: string };

const NOTE_COLUMNS = Object.entries(getTableColumns(notes));

/** The notes row in its drizzle shape (column values through each column's own mapping). */
function toNote(row: NoteRow): Note {
  return Object.fromEntries(
    NOTE_COLUMNS.map(([key, column]) => {
      const value = row[key];
      return [key, value === null || value === undefined ? null : column.mapFromDriverValue(value)];
    }),
  ) as Note;
}

/**
 * One statement: FTS5 is the outer loop (CROSS JOIN keeps it there) in rank order, each candidate
 * joined to its notes row by primary key and kept if listed to the viewer, stopping after `take`.
 * The next page starts after the cursor row at its score as it is now (bm25 depends on corpus-wide
 * statistics, so any write shifts scores slightly), falling back to the score it had.
 */
function noteQuery(
  viewer: ActionContext["actor"],
  match: string,
  after: RelevanceCursor | null,
  take: number,
) {
  // D1 binds JS numbers as REAL; FTS5 handles a rowid constraint reliably only as an INTEGER.
  const rid = after ? sql`CAST(${after.rid} AS INTEGER)` : null;
  const anchor = after
    ? sql`coalesce((SELECT rank FROM note_search
        WHERE note_search MATCH ${match} AND rank MATCH ${NOTE_RANK} AND rowid = ${rid}), ${after.s})`
    : null;
  const seek = anchor
    ? sql`AND (note_search.rank > ${anchor} OR (note_search.rank = ${anchor} AND note_search.rowid > ${rid}))`
    : sql``;
  const columns = sql.join(
    NOTE_COLUMNS.map(([key, column]) => sql`${column} AS ${sql.identifier(key)}`),
    sql`, `,
  );
  return sql`SELECT ${columns}, note_search.rowid AS rid, note_search.rank AS score,
      highlight(note_search, 1, ${MARKS}) AS hlTitle,
      snippet(note_search, 2, ${MARKS}, '…', 24) AS hlBody
    FROM note_search CROSS JOIN ${notes}
    WHERE note_search MATCH ${match} AND note_search.rank MATCH ${NOTE_RANK} ${seek}
      AND ${notes.id} = note_search.note_id AND ${listedNotes(viewer)}
    ORDER BY note_search.rank
    LIMIT ${take}`;
}

export interface UserHit {
  id: string;
  displayName: string;
  role: Role;
  campusId: string | null;
  /** The name with its matches marked, or, when only the bio matched, the bio's best passage. */
  highlight: string;
}

/** People by name (weighted) and bio, best first; people blocked either way with the viewer are left out. */
export async function searchUsers({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { q: string; limit: number };
}): Promise<{ results: UserHit[] }> {
  const words = matchWords(input.q);
  const viewerId = ctx.actor?.id ?? "";
  const rows = await ftsQuery(() =>
    ctx.db.all<Omit<UserHit, "highlight"> & { name: string; bio: string }>(sql`
      SELECT users.id AS id, users.display_name AS displayName, users.role AS role, users.campus_id AS campusId,
        highlight(user_search, 1, ${MARKS}) AS name,
        snippet(user_search, 2, ${MARKS}, '…', 16) AS bio
      FROM user_search CROSS JOIN users
      WHERE user_search MATCH ${`{display_name bio} : (${words})`} AND user_search.rank MATCH ${USER_RANK}
        AND users.id = user_search.user_id
        AND NOT EXISTS (SELECT 1 FROM blocks b
          WHERE (b.blocker_id = ${viewerId} AND b.blocked_id = users.id)
             OR (b.blocker_id = users.id AND b.blocked_id = ${viewerId}))
      ORDER BY user_search.rank
      LIMIT ${input.limit}`),
  );
  return {
    results: rows.map(({ name, bio, ...user }) => ({
      ...user,
      highlight: clean(name.includes(MARK_START) ? name : bio),
    })),
  };
}

/** The longest `#topic` (as notes-text.ts parses them): letters, digits and underscores. */
const TOPIC_PREFIX = /^[\p{L}\p{N}_]{1,40}$/u;
/** A short prefix may match many topics; the most used among this many (in topic order) are ranked. */
const TOPIC_SCAN = 500;

/**
 * Topics starting with `q` (a leading # is fine), the exact topic first, then by how many public
 * notes use them. Only topics of public notes are known here (topic_counts), so a private or campus
 * note never reveals its #topic.
 */
export async function searchTopics({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { q: string; limit: number };
}): Promise<{ results: { topic: string; notes: number }[] }> {
  const prefix = input.q.trim().replace(/^#/, "").toLowerCase();
  if (!TOPIC_PREFIX.test(prefix))
    throw new BadRequest("A topic is letters, digits and underscores.", { field: "q" });
  // Every topic starting with the prefix sorts between it and it + the highest code point (SQLite
  // compares text as UTF-8 bytes), so the primary key's range is the prefix match.
  const results = await ctx.db.all<{ topic: string; notes: number }>(sql`
    SELECT topic, notes FROM (
      SELECT topic, notes FROM topic_counts WHERE topic >= ${prefix} AND topic < ${`${prefix}\u{10ffff}`}
      ORDER BY topic LIMIT ${TOPIC_SCAN}
    )
    ORDER BY topic = ${prefix} DESC, notes DESC, topic
    LIMIT ${input.limit}`);
  return { results };
}

/** A highlight as sent: the index's U+200B character splits are not part of the text. */
function clean(text: string | undefined): string {
  return (text ?? "").replace(SPLIT, "");
}

/** Quoting makes a parse error unreachable in practice; should one happen, it is still the client's input. */
async function ftsQuery<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    for (let e: unknown = error; e instanceof Error; e = e.cause)
      if (/fts5|unterminated string|malformed MATCH/i.test(e.message))
        throw new BadRequest("The search could not be understood.", { field: "q" });
    throw error;
  }
}
