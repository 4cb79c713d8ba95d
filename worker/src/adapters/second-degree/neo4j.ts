/**
 * The second-degree network on Neo4j Aura, spoken to over Neo4j's HTTP Query API (`/db/<name>/query/v2`)
 * with plain `fetch`, not through `neo4j-driver`. The driver talks Bolt, a binary protocol over raw
 * TCP or WebSocket that it opens itself; a Worker offers it no Bolt transport it can use, and Neo4j
 * recommends the Query API for runtimes like this one, where only HTTP requests are available. The
 * Query API runs each request as one implicit transaction, which is all a statement here needs.
 *
 * Dialect. The tests run these statements on Kùzu, an embedded Cypher engine, behind a stand-in for
 * the Query API (test/support/fake-neo4j.ts), so every statement is written in the Cypher that both
 * Neo4j and Kùzu 0.11 accept, and Neo4j's parser still checks each:
 * - `EXISTS { MATCH … }`, not the bare-pattern `EXISTS { (…) }` (Kùzu needs the MATCH);
 * - mutuals collected as maps (`collect(DISTINCT {userId: …})`), not a list comprehension over
 *   nodes (Kùzu has no `[x IN list | …]`);
 * - CONNECTED is written and deleted in its stored direction, smaller id to larger (`->`): Kùzu
 *   cannot MERGE or DELETE an undirected relationship, and applyParameters already orders each
 *   pair, so Neo4j does the same work. Reads still match CONNECTED without direction.
 * The stand-in translates only what Kùzu does not parse at all, and lists each translation in its
 * TRANSLATIONS: the `CALL () { … }` units of `apply` run one by one in one transaction (a unit with
 * an empty list is skipped); `constraint` is the User table's primary key; `clear` runs without
 * `IN TRANSACTIONS`.
 */
import type {
  GraphChange,
  GraphMirror,
  GraphUser,
  Reachable,
  ReachableExpert,
  SecondDegree,
} from "./interface";

/** Statements are single lines: the Query API docs ask for no literal line breaks inside a statement. */
const line = (...parts: string[]) => parts.join(" ");

/** The two-hop pattern both questions share; only the role test on the candidate differs. */
const twoHop = (candidateRole: string) =>
  line(
    "MATCH (me:User {id: $userId})-[:CONNECTED]-(via:User)-[:CONNECTED]-(candidate:User)",
    `WHERE ${candidateRole} AND candidate <> me`,
    "AND NOT EXISTS { MATCH (me)-[:CONNECTED]-(candidate) }",
    "AND NOT EXISTS { MATCH (me)-[:BLOCKED]-(candidate) }",
    "AND NOT EXISTS { MATCH (me)-[:BLOCKED]-(via) }",
    "WITH candidate, collect(DISTINCT {userId: via.id, displayName: via.displayName}) AS mutuals",
    "RETURN candidate.id AS userId, size(mutuals) AS mutualCount, mutuals AS via",
    "ORDER BY mutualCount DESC, userId ASC",
    "LIMIT $limit",
  );

/**
 * Every statement this adapter sends, word for word: the Node suite parses each with Neo4j's own
 * Cypher parser, and the test server answers only these. Values always travel as parameters.
 */
export const CYPHER = {
  /** Experts two hops away: fields userId, mutualCount, via. */
  experts: twoHop("candidate.role = 'expert'"),
  /** Everyone else two hops away except admins: same fields. */
  people: twoHop("NOT candidate.role IN ['expert', 'admin']"),
  /**
   * One batch of changes in one implicit transaction. Each unit subquery runs once whatever the
   * others matched, so an empty list is a no-op. MERGE keeps a redelivered batch harmless; a
   * connect or block that arrives before its users leaves bare nodes the user change fills in.
   */
  apply: line(
    "CALL () { UNWIND $users AS user MERGE (u:User {id: user.id})",
    "SET u.displayName = user.displayName, u.role = user.role }",
    "CALL () { UNWIND $disconnects AS pair",
    "MATCH (:User {id: pair.a})-[r:CONNECTED]->(:User {id: pair.b}) DELETE r }",
    "CALL () { UNWIND $connects AS pair MERGE (a:User {id: pair.a}) MERGE (b:User {id: pair.b})",
    "MERGE (a)-[r:CONNECTED]->(b) SET r.source = pair.source }",
    "CALL () { UNWIND $unblocks AS pair",
    "MATCH (:User {id: pair.blocker})-[r:BLOCKED]->(:User {id: pair.blocked}) DELETE r }",
    "CALL () { UNWIND $blocks AS pair",
    "MERGE (blocker:User {id: pair.blocker}) MERGE (blocked:User {id: pair.blocked})",
    "MERGE (blocker)-[:BLOCKED]->(blocked) }",
  ),
  /** Sent first by resync: makes the MERGE on id an index lookup and forbids duplicate users. */
  constraint: "CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.id IS UNIQUE",
  /**
   * Empties the copy in server-side batches. CALL … IN TRANSACTIONS needs an implicit transaction,
   * which is what the Query API's plain /query/v2 endpoint runs.
   */
  clear: "MATCH (n:User) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS",
} as const;

export type CypherName = keyof typeof CYPHER;

/** How many users, edges or blocks one resync request loads. */
export const RESYNC_BATCH = 1000;

/** Parameters of CYPHER.apply: the batch's changes grouped by op, at most one change per key. */
export type ApplyParameters = {
  users: GraphUser[];
  connects: { a: string; b: string; source: string }[];
  disconnects: { a: string; b: string }[];
  blocks: { blocker: string; blocked: string }[];
  unblocks: { blocker: string; blocked: string }[];
};

/** A failed Query API call: `status` is null when no answer came back, `code` is Neo4j's status code. */
export class Neo4jQueryError extends Error {
  override name = "Neo4jQueryError";
  readonly status: number | null;
  readonly code: string | null;
  constructor(message: string, status: number | null, code: string | null) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

interface QueryAnswer {
  data?: { fields?: string[]; values?: unknown[][] };
  errors?: { code?: string; message?: string }[];
}

interface Config {
  /**
   * Either the instance's origin (`https://xxxx.databases.neo4j.io`), to which
   * `/db/{database}/query/v2` is added, or the full Query API URL as Aura's console shows it
   * (ending in `/query/v2`), used as it is; `database` is then ignored.
   */
  queryUrl: string;
  user: string;
  password: string;
  /** Default "neo4j". */
  database?: string;
  /** Per request; default 15 s, so a stalled instance fails the call instead of hanging it. */
  timeoutMs?: number;
}

/**
 * The second-degree network on Neo4j Aura through its HTTP Query API v2: plain `fetch`, Basic auth,
 * one statement per request, each in its own implicit transaction.
 *
 * Graph: `(:User {id, displayName, role})`, one `[:CONNECTED {source}]` per connected pair (stored
 * from the smaller id to the larger, matched without direction), `[:BLOCKED]` from blocker to blocked.
 */
export function neo4jSecondDegree(config: Config): SecondDegree & GraphMirror {
  const endpoint = queryEndpoint(config.queryUrl, config.database ?? "neo4j");
  const authorization = `Basic ${base64(`${config.user}:${config.password}`)}`;
  const timeoutMs = config.timeoutMs ?? 15_000;

  async function run(
    name: CypherName,
    parameters: Record<string, unknown>,
  ): Promise<Record<string, unknown>[]> {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: {
          Authorization: authorization,
          "Content-Type": "application/json",
          Accept: "application/json",
        },
        body: JSON.stringify({ statement: CYPHER[name], parameters }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Neo4jQueryError(
        `Neo4j Query API unreachable (${name}): ${error instanceof Error ? error.message : String(error)}`,
        null,
        null,
      );
    }
    const text = await response.text();
    let answer: QueryAnswer | null = null;
    try {
      answer = JSON.parse(text) as QueryAnswer;
    } catch {
      // Proxies and outages answer in HTML; the status says enough below.
    }
    const error = answer?.errors?.[0];
    if (response.status >= 500 || (!response.ok && !error)) {
      const detail = error?.code ? ` ${error.code}: ${error.message ?? ""}` : "";
      throw new Neo4jQueryError(
        `Neo4j Query API answered ${response.status} (${name})${detail}`,
        response.status,
        error?.code ?? null,
      );
    }
    // A statement that fails after the server has started answering still comes back as 202, with errors.
    if (error) {
      throw new Neo4jQueryError(
        `Neo4j ${error.code ?? "error"} (${response.status}, ${name}): ${error.message ?? ""}`,
        response.status,
        error.code ?? null,
      );
    }
    const fields = answer?.data?.fields ?? [];
    return (answer?.data?.values ?? []).map((row) =>
      Object.fromEntries(fields.map((field, i) => [field, row[i]])),
    );
  }

  async function twoHop(name: "experts" | "people", userId: string, limit: number): Promise<Reachable[]> {
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    const rows = await run(name, { userId, limit: count });
    return rows.map((row) => ({
      userId: String(row.userId),
      // By name as people read them (localeCompare), then id: the order the D1 path gives.
      via: ((row.via ?? []) as Reachable["via"]).toSorted(
        (x, y) =>
          (x.displayName ?? "").localeCompare(y.displayName ?? "") || x.userId.localeCompare(y.userId),
      ),
    }));
  }

  return {
    async experts(userId, limit): Promise<ReachableExpert[]> {
      const found = await twoHop("experts", userId, limit);
      return found.map(({ userId: id, via }) => ({ userId: id, expertId: id, via }));
    },

    people(userId, limit) {
      return twoHop("people", userId, limit);
    },

    async apply(changes) {
      if (changes.length === 0) return;
      await run("apply", applyParameters(changes));
    },

    async resync(snapshot) {
      await run("constraint", {});
      await run("clear", {});
      const edges = [...new Map(snapshot.edges.flatMap((e) => pairEntry(e.a, e.b, e))).values()];
      const users = snapshot.users.map(({ id, displayName, role }) => ({ id, displayName, role }));
      for (const batch of chunks(users)) await run("apply", { ...emptyApply(), users: batch });
      for (const connects of chunks(edges)) await run("apply", { ...emptyApply(), connects });
      for (const blocks of chunks(snapshot.blocks)) await run("apply", { ...emptyApply(), blocks });
    },
  };
}

/**
 * Groups a batch by op for CYPHER.apply. Within a batch the last change to a user, a pair or a
 * block wins, as if the changes ran one by one; that keeps the groups disjoint, so the order the
 * statement runs them in does not matter.
 */
export function applyParameters(changes: GraphChange[]): ApplyParameters {
  const users = new Map<string, GraphUser>();
  const pairs = new Map<string, GraphChange & { op: "connect" | "disconnect" }>();
  const blocks = new Map<string, GraphChange & { op: "block" | "unblock" }>();
  for (const change of changes) {
    switch (change.op) {
      case "user":
        users.set(change.user.id, change.user);
        break;
      case "connect":
      case "disconnect": {
        if (change.a === change.b) break;
        const [a, b] = canonical(change.a, change.b);
        pairs.set(`${a}\n${b}`, { ...change, a, b });
        break;
      }
      case "block":
      case "unblock": {
        blocks.set(`${change.blocker}\n${change.blocked}`, change);
        break;
      }
      default: {
        const unknown: never = change;
        throw new Error(`unknown graph change ${JSON.stringify(unknown)}`);
      }
    }
  }
  const parameters = emptyApply();
  parameters.users = [...users.values()].map(({ id, displayName, role }) => ({ id, displayName, role }));
  for (const pair of pairs.values()) {
    if (pair.op === "connect") parameters.connects.push({ a: pair.a, b: pair.b, source: pair.source });
    else parameters.disconnects.push({ a: pair.a, b: pair.b });
  }
  for (const block of blocks.values()) {
    const entry = { blocker: block.blocker, blocked: block.blocked };
    (block.op === "block" ? parameters.blocks : parameters.unblocks).push(entry);
  }
  return parameters;
}

function emptyApply(): ApplyParameters {
  return { users: [], connects: [], disconnects: [], blocks: [], unblocks: [] };
}

/** One entry per unordered pair, stored from the smaller id to the larger. */
function pairEntry(
  a: string,
  b: string,
  edge: { source: string },
): [string, ApplyParameters["connects"][0]][] {
  if (a === b) return [];
  const [from, to] = canonical(a, b);
  return [[`${from}\n${to}`, { a: from, b: to, source: edge.source }]];
}

function canonical(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

function* chunks<T>(items: T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += RESYNC_BATCH) yield items.slice(i, i + RESYNC_BATCH);
}

function queryEndpoint(queryUrl: string, database: string) {
  const base = queryUrl.replace(/\/+$/, "");
  if (base.endsWith("/query/v2")) return base;
  return `${base}/db/${encodeURIComponent(database)}/query/v2`;
}

/** RFC 7617 with UTF-8, as the Query API expects; btoa alone only takes Latin-1. */
function base64(text: string) {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
