import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../identity/schema";
import { avatarUrl } from "../../profiles";
import { expertProfiles } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import { decodeCursor, encodeCursor } from "../../shared/cursor";
import { BadRequest } from "../../shared/errors";

/** Query parameters as they arrive (already shape-checked by the route); this verb gives them meaning. */
export interface ExpertSearchInput {
  q?: string | undefined;
  industry?: string | undefined;
  /** Comma-separated; every one must match. */
  skills?: string | undefined;
  topics?: string | undefined;
  campus?: string | undefined;
  accepting?: boolean | undefined;
  /** YYYY-MM-DD, inclusive. */
  availableFrom?: string | undefined;
  availableTo?: string | undefined;
  /** Unverified experts are left out unless asked for; their cards say so. */
  includeUnverified?: boolean | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface ExpertCard {
  id: string;
  displayName: string;
  avatarUrl: string | null;
  headline: string;
  company: string;
  industry: string;
  skills: string[];
  topics: string[];
  acceptingInvitations: boolean;
  campusTies: string[];
  /** Vetted (expert-vetting.ts); an unverified card is labelled as such. */
  verified: boolean;
  /** Only when searching: the best-matching passage, each match wrapped in U+E000 … U+E001 (never HTML). */
  snippet?: string;
}

export const MAX_DATE_SPAN_DAYS = 62;
const MAX_TERMS = 8;
const MAX_LIST_ITEMS = 10;
const DAY_MS = 86_400_000;

/**
 * Relevance tiers, best first: where the words matched. FTS5 could rank every match by bm25 itself
 * (ORDER BY rank), but that scores and sorts all of them before the first row comes out: a broad word
 * (~1,300 matches of 10,000 experts) cost several times a name search (docs/benchmarks.md). A tier is
 * read in the index's own rowid order instead, so FTS5 stops after the page: (1) every word in the
 * name; (2) every word in the name or the profile (headline, company, industry, skills, topics);
 * (3) the bio needed for some word. Within a tier the newest index row comes first (an expert is
 * indexed again whenever a searched field changes: recently joined or updated first).
 */
const PROFILE_COLUMNS = "display_name headline company industry skills topics";
const TIERS: readonly ((words: string) => string)[] = [
  (words) => `{display_name} : (${words})`,
  (words) => `({${PROFILE_COLUMNS}} : (${words})) NOT ({display_name} : (${words}))`,
  (words) => `({${PROFILE_COLUMNS} bio} : (${words})) NOT ({${PROFILE_COLUMNS}} : (${words}))`,
];
/** The text columns a snippet may come from, in the table's order (1 = display_name … 7 = bio). */
const SNIPPET_COLUMNS = [1, 2, 3, 4, 5, 6, 7] as const;
/**
 * One snippet per text column (U+E000 and U+E001 mark matches: text a user typed, "<mark>", can
 * never pose as one). snippet(…, -1, …) would pick the column itself, but it counts the filters'
 * facet tokens as hits and so picks the facets column; BEST_SNIPPET picks among the text columns.
 */
const SNIPPETS = sql.raw(
  SNIPPET_COLUMNS.map(
    (column) => `snippet(expert_search, ${column}, char(57344), char(57345), '…', 12) AS s${column}`,
  ).join(", "),
);
/**
 * The snippet with the most highlighted words (FTS5's own choice, made without the facets column);
 * on a tie the earlier column, the name first (CASE takes the first WHEN that matches). Chosen in
 * SQL, after the page is cut, so one string per expert comes back rather than seven.
 */
const marks = (column: number) =>
  `(length(page.s${column}) - length(replace(page.s${column}, char(57344), '')))`;
const BEST_SNIPPET = sql.raw(
  `CASE max(${SNIPPET_COLUMNS.map(marks).join(", ")}) ${SNIPPET_COLUMNS.map(
    (column) => `WHEN ${marks(column)} THEN page.s${column}`,
  ).join(" ")} END`,
);

/**
 * The public expert directory. With `q`: full-text matches by relevance tier, newest first within one.
 * Without: accepting experts first, then by name. Both page by keyset (an opaque cursor holding the
 * last sort key and id).
 */
export async function searchExperts({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: ExpertSearchInput;
}): Promise<{ experts: ExpertCard[]; nextCursor: string | null }> {
  const words = input.q?.trim() ? toMatchExpression(input.q) : null;
  if (input.q?.trim() && !words) throw new BadRequest("Search for at least one word.", { field: "q" });
  const cursor = input.cursor ? decodeCursor(input.cursor, Cursor) : null;
  if (cursor && cursor.k !== (words ? "r" : "d"))
    throw new BadRequest("The cursor belongs to a different kind of search.", { field: "cursor" });
  const take = input.limit + 1;

  let rows: Row[];
  try {
    rows = words
      ? await ctx.db
          .all<Row>(relevanceQuery(words, facetFilters(input), cursor?.k === "r" ? cursor : null, take))
          .then(inRelevanceOrder)
      : await directoryPage(
          ctx,
          filterConditions(input),
          input.accepting,
          cursor?.k === "d" ? cursor : null,
          take,
        );
  } catch (error) {
    // Quoting makes this unreachable in practice; an FTS5 parse error is still the client's input.
    if (isFtsQueryError(error)) throw new BadRequest("The search could not be understood.", { field: "q" });
    throw error;
  }

  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > input.limit && last
      ? encodeCursor(
          words
            ? { k: "r", t: last.tier ?? 1, rid: last.rid ?? 0 }
            : { k: "d", a: last.accepting ? 1 : 0, n: last.displayName, id: last.id },
        )
      : null;
  return { experts: page.map(toCard), nextCursor };
}

interface Row {
  id: string;
  displayName: string;
  avatarKey: string | null;
  headline: string;
  company: string;
  industry: string;
  skills: string;
  topics: string;
  accepting: number;
  campusTies: string;
  verification: string;
  /** Relevance only: the tier (1 best), the expert's row in expert_search, the best text column's snippet. */
  tier?: number;
  rid?: number;
  snippet?: string;
}

const CARD_COLUMNS = sql`${users.id} AS id, ${users.displayName} AS displayName, ${users.avatarKey} AS avatarKey,
  ${expertProfiles.headline} AS headline, ${expertProfiles.company} AS company,
  ${expertProfiles.industry} AS industry, ${expertProfiles.skills} AS skills, ${expertProfiles.topics} AS topics,
  ${expertProfiles.acceptingInvitations} AS accepting, ${expertProfiles.campusTies} AS campusTies,
  ${expertProfiles.verification} AS verification`;

/**
 * One statement: each tier's matches in rowid order, newest first, read only as far as the page
 * needs; FTS5 filters them too (facet tokens), so only the page's rows are joined to their users and
 * profiles. The tiers are UNION ALL arms under one LIMIT, which SQLite runs in order, stopping as
 * soon as the page is full: a later tier costs nothing when an earlier one fills the page. The next
 * page starts after the cursor's row in its tier (a rowid seek: the rows before it are not read again).
 */
export function relevanceQuery(words: string, facets: string[], after: RelevanceCursor | null, take: number) {
  // D1 binds every JS number as REAL. Given a REAL, the FTS5 in wrangler dev's workerd drops the
  // rowid constraint and yields every match (the test pool's does not), so the rowid is cast back.
  const arms = TIERS.flatMap((tier, i) => {
    const number = i + 1;
    if (after && number < after.t) return [];
    const seek = after?.t === number ? sql`AND rowid < CAST(${after.rid} AS INTEGER)` : sql``;
    const match = [`(${tier(words)})`, ...facets.map((facet) => `{facets} : ${facet}`)].join(" AND ");
    return [
      sql`SELECT * FROM (SELECT ${sql.raw(String(number))} AS tier, rowid AS rid, user_id, ${SNIPPETS}
        FROM expert_search WHERE expert_search MATCH ${match} ${seek}
        ORDER BY rowid DESC LIMIT ${take})`,
    ];
  });
  return sql`SELECT ${CARD_COLUMNS}, page.tier AS tier, page.rid AS rid,
    ${BEST_SNIPPET} AS snippet
  FROM (SELECT * FROM (${sql.join(arms, sql` UNION ALL `)}) LIMIT ${take}) AS page
  JOIN ${users} ON ${users.id} = page.user_id
  JOIN ${expertProfiles} ON ${expertProfiles.userId} = page.user_id
  WHERE ${users.role} = 'expert'`;
}

/** Tier, then newest index row first: the order the arms produce, restored after the join. */
function inRelevanceOrder(rows: Row[]): Row[] {
  return rows.sort((a, b) => (a.tier ?? 0) - (b.tier ?? 0) || (b.rid ?? 0) - (a.rid ?? 0));
}

/**
 * One facet phrase per filter, all of which must match. Facet tokens are built as the migration
 * builds them (0010_expert_search_facets.sql): a one-letter kind, then the value ASCII-lowercased
 * (SQLite's lower()) and hex-encoded, so a filter here means exactly what the listing's
 * case-insensitive equality means.
 */
export function facetFilters(input: ExpertSearchInput): string[] {
  const facets: string[] = [];
  const industry = input.industry?.trim();
  if (industry) facets.push(facetToken("i", industry));
  for (const skill of splitList(input.skills, "skills")) facets.push(facetToken("s", skill));
  for (const topic of splitList(input.topics, "topics")) facets.push(facetToken("t", topic));
  const campus = input.campus?.trim();
  if (campus) facets.push(facetToken("c", campus));
  if (input.accepting !== undefined) facets.push(`"a${input.accepting ? 1 : 0}"`);
  if (!input.includeUnverified) facets.push('"v1"');
  const weekdays = weekdaysBetween(input.availableFrom, input.availableTo);
  if (weekdays) facets.push(`(${weekdays.map((day) => `"w${day}"`).join(" OR ")})`);
  return facets;
}

function facetToken(kind: string, value: string): string {
  const lowered = value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  const hex = Array.from(new TextEncoder().encode(lowered), (byte) => byte.toString(16).padStart(2, "0"));
  return `"${kind}${hex.join("")}"`;
}

/**
 * Accepting experts first, then by name. Each group is one range of an expert_profiles index in
 * name order (per industry when that filter is set), read only as far as the page needs; the
 * non-accepting group is read only when the accepting one did not fill the page.
 */
async function directoryPage(
  ctx: ActionContext,
  filters: SQL[],
  accepting: boolean | undefined,
  after: DirectoryCursor | null,
  take: number,
): Promise<Row[]> {
  const groups = (accepting === undefined ? [1, 0] : [accepting ? 1 : 0]).filter(
    (group) => !after || group <= after.a,
  );
  const rows: Row[] = [];
  for (const group of groups) {
    if (rows.length >= take) break;
    const seek = after?.a === group ? after : null;
    rows.push(...(await ctx.db.all<Row>(directoryQuery(filters, group, seek, take - rows.length))));
  }
  return rows;
}

/** One group of the directory: experts whose accepting flag is `group`, in name order from the cursor. */
export function directoryQuery(filters: SQL[], group: number, after: DirectoryCursor | null, take: number) {
  const seek = after
    ? sql`AND ${expertProfiles.sortName} >= ${after.n} COLLATE NOCASE
       AND (${expertProfiles.sortName} COLLATE NOCASE, ${expertProfiles.userId}) > (${after.n}, ${after.id})`
    : sql``;
  // CROSS JOIN keeps expert_profiles (and its name-ordered index) as the outer loop.
  return sql`SELECT ${CARD_COLUMNS}
    FROM ${expertProfiles} CROSS JOIN ${users}
    WHERE ${users.id} = ${expertProfiles.userId} AND ${sql.join(filters, sql` AND `)}
      AND ${expertProfiles.acceptingInvitations} = ${group} ${seek}
    ORDER BY ${expertProfiles.sortName} COLLATE NOCASE, ${expertProfiles.userId}
    LIMIT ${take}`;
}

/** Conditions shared by both orders, the role first; every value is a bound parameter. */
export function filterConditions(input: ExpertSearchInput): SQL[] {
  const conditions: SQL[] = [sql`${users.role} = 'expert'`];
  const industry = input.industry?.trim();
  if (industry) conditions.push(sql`${expertProfiles.industry} = ${industry} COLLATE NOCASE`);
  for (const skill of splitList(input.skills, "skills"))
    conditions.push(
      sql`EXISTS (SELECT 1 FROM json_each(${expertProfiles.skills}) WHERE value = ${skill} COLLATE NOCASE)`,
    );
  for (const topic of splitList(input.topics, "topics"))
    conditions.push(
      sql`EXISTS (SELECT 1 FROM json_each(${expertProfiles.topics}) WHERE value = ${topic} COLLATE NOCASE)`,
    );
  const campus = input.campus?.trim();
  if (campus)
    conditions.push(
      sql`EXISTS (SELECT 1 FROM json_each(${expertProfiles.campusTies}) WHERE value = ${campus})`,
    );
  if (input.accepting !== undefined)
    conditions.push(sql`${expertProfiles.acceptingInvitations} = ${input.accepting ? 1 : 0}`);
  if (!input.includeUnverified) conditions.push(sql`${expertProfiles.verification} = 'verified'`);
  const weekdays = weekdaysBetween(input.availableFrom, input.availableTo);
  if (weekdays?.length === 7)
    conditions.push(sql`EXISTS (SELECT 1 FROM json_each(${expertProfiles.availability}))`);
  else if (weekdays)
    conditions.push(
      sql`EXISTS (SELECT 1 FROM json_each(${expertProfiles.availability})
        WHERE json_extract(value, '$.weekday') IN (${sql.join(
          weekdays.map((d) => sql`${d}`),
          sql`, `,
        )}))`,
    );
  return conditions;
}

/**
 * Each word becomes a quoted FTS5 string, so nothing a user types is read as FTS syntax (AND, OR,
 * NEAR, *, ^, parentheses, column filters); the last word is a prefix, so "pay" finds "payments".
 * Words with no letter or digit would tokenize to nothing and are dropped. Null when none is left.
 */
export function toMatchExpression(q: string): string | null {
  const words = q
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, MAX_TERMS);
  if (words.length === 0) return null;
  return words
    .map((word, i) => `"${word.replaceAll('"', '""')}"${i === words.length - 1 ? "*" : ""}`)
    .join(" ");
}

/**
 * The weekdays (0 = Sunday) of the calendar dates from..to inclusive. A weekly window's weekday is in
 * its own zone, and so is a calendar date's weekday, so the two compare directly.
 */
export function weekdaysBetween(from: string | undefined, to: string | undefined): number[] | null {
  if (from === undefined && to === undefined) return null;
  if (from === undefined || to === undefined)
    throw new BadRequest("Give both availableFrom and availableTo.", {
      field: from === undefined ? "availableFrom" : "availableTo",
    });
  const start = parseDate(from, "availableFrom");
  const end = parseDate(to, "availableTo");
  const days = (end - start) / DAY_MS;
  if (days < 0) throw new BadRequest("availableTo is before availableFrom.", { field: "availableTo" });
  if (days > MAX_DATE_SPAN_DAYS)
    throw new BadRequest(`The date range may span at most ${MAX_DATE_SPAN_DAYS} days.`, {
      field: "availableTo",
    });
  if (days >= 6) return [0, 1, 2, 3, 4, 5, 6];
  const weekdays: number[] = [];
  for (let day = start; day <= end; day += DAY_MS) weekdays.push(new Date(day).getUTCDay());
  return weekdays.sort((a, b) => a - b);
}

function parseDate(value: string, field: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value)
    throw new BadRequest(`${field} is not a date (YYYY-MM-DD).`, { field });
  return ms;
}

function splitList(value: string | undefined, field: string): string[] {
  const items = [
    ...new Set(
      (value ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
  if (items.length > MAX_LIST_ITEMS)
    throw new BadRequest(`At most ${MAX_LIST_ITEMS} ${field} at once.`, { field });
  return items;
}

function toCard(row: Row): ExpertCard {
  return {
    id: row.id,
    displayName: row.displayName,
    avatarUrl: avatarUrl(row.avatarKey),
    headline: row.headline,
    company: row.company,
    industry: row.industry,
    skills: parseList(row.skills),
    topics: parseList(row.topics),
    acceptingInvitations: row.accepting === 1,
    campusTies: parseList(row.campusTies),
    verified: row.verification === "verified",
    ...(row.tier !== undefined ? { snippet: row.snippet ?? "" } : {}),
  };
}

function parseList(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

const RelevanceCursor = z.object({
  k: z.literal("r"),
  t: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  rid: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});
const DirectoryCursor = z.object({
  k: z.literal("d"),
  a: z.union([z.literal(0), z.literal(1)]),
  n: z.string().max(200),
  id: z.string().max(64),
});
const Cursor = z.discriminatedUnion("k", [RelevanceCursor, DirectoryCursor]);
type RelevanceCursor = z.infer<typeof RelevanceCursor>;
type DirectoryCursor = z.infer<typeof DirectoryCursor>;

function isFtsQueryError(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (/fts5|unterminated string|malformed MATCH/i.test(e.message)) return true;
  }
  return false;
}
