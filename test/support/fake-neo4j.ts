import { createServer, type IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { CYPHER, type CypherName } from "../../worker/src/adapters/second-degree/neo4j.ts";

/** One request as received (the body as sent, or the raw text when it was not JSON). */
export interface FakeNeo4jRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

/** What `GET /__graph/<db>` shows: the stored graph of one database. */
export interface FakeNeo4jGraph {
  users: { id: string; displayName: string | null; role: string | null }[];
  connected: { from: string; to: string; source: string | null }[];
  blocked: { blocker: string; blocked: string }[];
  constraints: string[];
}

interface Graph {
  users: Map<string, { id: string; displayName: string | null; role: string | null }>;
  /** One relationship per unordered pair, keyed by the pair; `from`/`to` is the stored direction. */
  connected: Map<string, { from: string; to: string; source: string | null }>;
  /** `blocker\nblocked`. */
  blocked: Set<string>;
  constraints: Set<string>;
}

type Answer = { status: number; body: unknown };

/** Thrown while answering; becomes the Neo4j-shaped error body. */
class Neo4jFailure extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const SCHEMA = {
  labels: ["User"],
  relationshipTypes: ["CONNECTED", "BLOCKED"],
  propertyKeys: ["id", "displayName", "role", "source"],
};
/** The database name that answers as an instance that is down. */
export const UNAVAILABLE = "unavailable";
const STATEMENTS = new Map(Object.entries(CYPHER).map(([name, text]) => [text, name as CypherName]));

/**
 * A local server that speaks Neo4j's Query API v2 (`POST /db/<database>/query/v2`) as the real one
 * does: Basic auth, a JSON body with `statement` and `parameters`, `202` with
 * `{data: {fields, values}, bookmarks}`, and `{errors: [{code, message}]}` with 400/401/404/415.
 *
 * It is not a Cypher engine: it answers only the statements in the adapter's CYPHER, compared word
 * for word (anything else is a 400 SyntaxError, so a typo in the adapter fails the tests), and runs
 * each against an in-memory graph per database with its own plain implementation of the
 * second-degree semantics. Before running one it passes the statement and the request's parameters
 * through Neo4j's Cypher parser (@neo4j-cypher/language-support), so a statement the parser rejects,
 * or a parameter the statement needs and the request lacks, fails as on a real server.
 *
 * `GET /__requests` lists what it received, `DELETE /__requests` forgets it; `GET /__graph/<db>`
 * shows a database's graph. Databases: `options.databases` (default "neo4j", "atas" and "sync"); the
 * database "unavailable" answers 503 as a stopped one does, and any other name 404 DatabaseNotFound.
 */
export async function startFakeNeo4j(options: { user: string; password: string; databases?: string[] }) {
  const graphs = new Map(
    (options.databases ?? ["neo4j", "atas", "sync"]).map((name) => [name, emptyGraph()]),
  );
  const received: FakeNeo4jRequest[] = [];
  const parser = loadParser();
  let bookmark = 0;

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const send = ({ status, body }: Answer) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === "/__requests") {
      if (req.method === "GET") return send({ status: 200, body: received });
      if (req.method === "DELETE") {
        received.length = 0;
        return send({ status: 200, body: {} });
      }
    }
    const graphPath = path.match(/^\/__graph\/([^/]+)$/);
    if (req.method === "GET" && graphPath?.[1]) {
      const graph = graphs.get(decodeURIComponent(graphPath[1]));
      return send(graph ? { status: 200, body: snapshot(graph) } : failure(404, "no such database"));
    }

    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Kept as text in the log; answered below.
    }
    received.push({ method: req.method ?? "", path, headers: req.headers, body });
    try {
      send(await answer(req, path, text, body));
    } catch (error) {
      if (error instanceof Neo4jFailure) return send(failure(error.status, error.message, error.code));
      throw error;
    }
  });

  async function answer(req: IncomingMessage, path: string, text: string, body: unknown): Promise<Answer> {
    const route = path.match(/^\/db\/([^/]+)\/query\/v2$/);
    if (!route?.[1]) return failure(404, `No endpoint at ${path}`, "Neo.ClientError.Request.Invalid");
    if (req.method !== "POST") return failure(405, "Method not allowed", "Neo.ClientError.Request.Invalid");
    checkAuth(req.headers.authorization);
    const mediaType = (req.headers["content-type"] ?? "").split(";")[0]?.trim();
    if (mediaType !== "application/json") {
      return failure(
        415,
        `Unsupported media type ${mediaType || "(none)"}`,
        "Neo.ClientError.Request.Invalid",
      );
    }
    if (typeof body !== "object" || body === null || Array.isArray(body) || text === "") {
      return failure(400, "Request body must be a JSON object", "Neo.ClientError.Request.InvalidFormat");
    }
    const { statement, parameters } = body as { statement?: unknown; parameters?: unknown };
    if (typeof statement !== "string" || statement === "") {
      return failure(400, "statement cannot be null or empty", "Neo.ClientError.Request.Invalid");
    }
    if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
      return failure(400, "parameters must be a JSON object", "Neo.ClientError.Request.InvalidFormat");
    }
    const database = decodeURIComponent(route[1]);
    if (database === UNAVAILABLE) {
      return failure(
        503,
        `Database '${database}' is unavailable.`,
        "Neo.TransientError.General.DatabaseUnavailable",
      );
    }
    const graph = graphs.get(database);
    if (!graph) {
      return failure(404, `Graph not found: ${database}`, "Neo.ClientError.Database.DatabaseNotFound");
    }
    const params = parameters as Record<string, unknown>;
    await checkWithParser(parser, statement, params);
    const name = STATEMENTS.get(statement);
    if (!name) {
      throw new Neo4jFailure(
        400,
        "Neo.ClientError.Statement.SyntaxError",
        `This fake answers only the adapter's CYPHER statements; it does not know: ${statement}`,
      );
    }
    const [fields, values] = run(graph, name, params);
    bookmark += 1;
    return { status: 202, body: { data: { fields, values }, bookmarks: [`FB:fake-${bookmark}`] } };
  }

  function checkAuth(header: string | undefined) {
    if (!header) {
      throw new Neo4jFailure(
        401,
        "Neo.ClientError.Security.Unauthorized",
        "No authentication header supplied.",
      );
    }
    const basic = header.match(/^Basic ([A-Za-z0-9+/]+={0,2})$/);
    const decoded = basic?.[1] ? Buffer.from(basic[1], "base64").toString("utf8") : "";
    const colon = decoded.indexOf(":");
    if (colon < 0) {
      throw new Neo4jFailure(401, "Neo.ClientError.Request.InvalidFormat", "Invalid authentication header.");
    }
    if (decoded.slice(0, colon) !== options.user || decoded.slice(colon + 1) !== options.password) {
      throw new Neo4jFailure(401, "Neo.ClientError.Security.Unauthorized", "Invalid username or password.");
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function failure(status: number, message: string, code = "Neo.ClientError.Request.Invalid"): Answer {
  return { status, body: { errors: [{ code, message }] } };
}

function emptyGraph(): Graph {
  return { users: new Map(), connected: new Map(), blocked: new Set(), constraints: new Set() };
}

function snapshot(graph: Graph): FakeNeo4jGraph {
  return {
    users: [...graph.users.values()],
    connected: [...graph.connected.values()],
    blocked: [...graph.blocked].map((key) => {
      const [blocker = "", blocked = ""] = key.split("\n");
      return { blocker, blocked };
    }),
    constraints: [...graph.constraints],
  };
}

/** Parser errors by statement and parameter names: the adapter sends the same few again and again. */
const parsed = new Map<string, string[]>();

type Lint = typeof import("@neo4j-cypher/language-support").lintCypherQuery;

/**
 * The parser package is large (seconds to load), so it loads in the background as the server
 * starts, through Node's own require: Vite's module runner, which loads this file, would transform
 * all of it first and take several times as long.
 */
function loadParser(): Promise<Lint> {
  const loading = new Promise<Lint>((resolve, reject) => {
    setImmediate(() => {
      try {
        const { lintCypherQuery } = createRequire(import.meta.url)(
          "@neo4j-cypher/language-support",
        ) as typeof import("@neo4j-cypher/language-support");
        lintCypherQuery("RETURN 1 AS warm", {});
        resolve(lintCypherQuery);
      } catch (error) {
        reject(error);
      }
    });
  });
  loading.catch(() => {}); // reported by the first request that needs it
  return loading;
}

/**
 * Neo4j's parser and semantic analysis on the statement, with the request's parameters declared,
 * as the server would run them before planning.
 */
async function checkWithParser(
  parser: Promise<Lint>,
  statement: string,
  parameters: Record<string, unknown>,
) {
  const key = `${statement}\n${Object.keys(parameters).sort().join(",")}`;
  const errors =
    parsed.get(key) ??
    (await parser)(statement, { ...SCHEMA, parameters })
      .diagnostics.filter((d) => d.severity === 1)
      .map((d) => (typeof d.message === "string" ? d.message : d.message.value));
  parsed.set(key, errors);
  const missing = errors.flatMap((m) => m.match(/^Parameter \$(\S+) is not defined\.$/)?.[1] ?? []);
  if (missing.length > 0) {
    throw new Neo4jFailure(
      400,
      "Neo.ClientError.Statement.ParameterMissing",
      `Expected parameter(s): ${missing.join(", ")}`,
    );
  }
  if (errors.length > 0)
    throw new Neo4jFailure(400, "Neo.ClientError.Statement.SyntaxError", errors.join("\n"));
}

/** Runs one known statement; validates everything before changing anything, as a rolled-back transaction would. */
function run(graph: Graph, name: CypherName, params: Record<string, unknown>): [string[], unknown[][]] {
  switch (name) {
    case "experts":
      return twoHop(graph, params, (role) => role === "expert");
    case "people":
      return twoHop(graph, params, (role) => role !== null && role !== "expert" && role !== "admin");
    case "apply":
      apply(graph, params);
      return [[], []];
    case "constraint":
      graph.constraints.add("user_id");
      return [[], []];
    case "clear":
      graph.users.clear();
      graph.connected.clear();
      graph.blocked.clear();
      return [[], []];
    default: {
      const unknown: never = name;
      throw new Error(`unhandled statement ${String(unknown)}`);
    }
  }
}

/** The semantics the adapter's two-hop statements promise, written out plainly. */
function twoHop(
  graph: Graph,
  params: Record<string, unknown>,
  isCandidate: (role: string | null) => boolean,
): [string[], unknown[][]] {
  const { userId, limit } = params;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
    throw new Neo4jFailure(
      400,
      "Neo.ClientError.Statement.ArgumentError",
      `Invalid input. '${String(limit)}' is not a valid value. Must be a non-negative integer.`,
    );
  }
  const fields = ["userId", "mutualCount", "via"];
  if (typeof userId !== "string" || !graph.users.has(userId)) return [fields, []];
  const neighbours = (id: string) => {
    const found = new Set<string>();
    for (const { from, to } of graph.connected.values()) {
      if (from === id) found.add(to);
      if (to === id) found.add(from);
    }
    return found;
  };
  const blockedWithMe = (id: string) =>
    graph.blocked.has(`${userId}\n${id}`) || graph.blocked.has(`${id}\n${userId}`);
  const mine = neighbours(userId);
  const mutuals = new Map<string, Set<string>>();
  for (const via of mine) {
    if (blockedWithMe(via)) continue;
    for (const candidate of neighbours(via)) {
      if (candidate === userId || mine.has(candidate) || blockedWithMe(candidate)) continue;
      if (!isCandidate(graph.users.get(candidate)?.role ?? null)) continue;
      mutuals.set(candidate, (mutuals.get(candidate) ?? new Set()).add(via));
    }
  }
  const ranked = [...mutuals].sort(([a, x], [b, y]) => y.size - x.size || (a < b ? -1 : a > b ? 1 : 0));
  return [
    fields,
    ranked
      .slice(0, limit)
      .map(([id, via]) => [
        id,
        via.size,
        [...via].map((v) => ({ userId: v, displayName: graph.users.get(v)?.displayName ?? null })),
      ]),
  ];
}

function apply(graph: Graph, params: Record<string, unknown>) {
  const list = (name: string) => {
    const value = params[name];
    if (!Array.isArray(value) || value.some((item) => typeof item !== "object" || item === null)) {
      throw new Neo4jFailure(
        400,
        "Neo.ClientError.Statement.TypeError",
        `Type mismatch: expected a list of maps for $${name}`,
      );
    }
    return value as Record<string, unknown>[];
  };
  const id = (entry: Record<string, unknown>, key: string) => {
    const value = entry[key];
    if (value === null || value === undefined) {
      throw new Neo4jFailure(
        400,
        "Neo.ClientError.Statement.SemanticError",
        `Cannot merge the following node because of null property value for 'id': (:User {id: null})`,
      );
    }
    return String(value);
  };
  const nullable = (value: unknown) => (value === undefined || value === null ? null : String(value));
  const users = list("users").map((u) => ({
    id: id(u, "id"),
    displayName: nullable(u.displayName),
    role: nullable(u.role),
  }));
  const disconnects = list("disconnects").map((p) => [nullable(p.a), nullable(p.b)] as const);
  const connects = list("connects").map((p) => ({
    a: id(p, "a"),
    b: id(p, "b"),
    source: nullable(p.source),
  }));
  const unblocks = list("unblocks").map((p) => [nullable(p.blocker), nullable(p.blocked)] as const);
  const blocks = list("blocks").map((p) => ({ blocker: id(p, "blocker"), blocked: id(p, "blocked") }));

  const merge = (userId: string) => {
    if (!graph.users.has(userId)) graph.users.set(userId, { id: userId, displayName: null, role: null });
  };
  const pair = (a: string, b: string) => (a < b ? `${a}\n${b}` : `${b}\n${a}`);
  for (const user of users) graph.users.set(user.id, user);
  for (const [a, b] of disconnects) if (a !== null && b !== null) graph.connected.delete(pair(a, b));
  for (const { a, b, source } of connects) {
    merge(a);
    merge(b);
    // MERGE without a direction matches a relationship either way and creates one from a to b.
    const existing = graph.connected.get(pair(a, b));
    graph.connected.set(pair(a, b), existing ? { ...existing, source } : { from: a, to: b, source });
  }
  for (const [blocker, blocked] of unblocks) graph.blocked.delete(`${blocker}\n${blocked}`);
  for (const { blocker, blocked } of blocks) {
    merge(blocker);
    merge(blocked);
    graph.blocked.add(`${blocker}\n${blocked}`);
  }
}
