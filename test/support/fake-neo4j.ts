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
 * It answers only the statements in the adapter's CYPHER, compared word for word (anything else is a
 * 400 SyntaxError, so a typo in the adapter fails the tests). Before running one it passes the
 * statement and the request's parameters through Neo4j's Cypher parser
 * (@neo4j-cypher/language-support), so a statement the parser rejects, or a parameter the statement
 * needs and the request lacks, fails as on a real server. Then it runs the statement on a real graph
 * engine: each database is an in-memory Kùzu database (the `kuzu` package, an embedded Cypher
 * engine), and the answer is Kùzu's rows in the Query API's envelope, so the adapter's parsing of
 * real results is exercised. The statements are written in the Cypher both engines accept; where
 * Kùzu 0.11 does not parse a construct, the stand-in translates it, and TRANSLATIONS below lists
 * every translation (the adapter's header lists them too). A statement Kùzu refuses is a 400
 * Neo.ClientError.Statement.ExecutionFailed carrying Kùzu's message.
 *
 * `GET /__requests` lists what it received, `DELETE /__requests` forgets it; `GET /__graph/<db>`
 * shows a database's graph. Databases: `options.databases` (default "neo4j", "atas", "sync" and "parity"); the
 * database "unavailable" answers 503 as a stopped one does, and any other name 404 DatabaseNotFound.
 */
export async function startFakeNeo4j(options: { user: string; password: string; databases?: string[] }) {
  const graphs = new Map(
    (options.databases ?? ["neo4j", "atas", "sync", "parity"]).map((name) => [name, new KuzuGraph()]),
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
      if (!graph) return send(failure(404, "no such database"));
      return graph.snapshot().then(
        (stored) => send({ status: 200, body: stored }),
        (error) => send(failure(500, String(error), "Neo.DatabaseError.General.UnknownError")),
      );
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
      // Answered, so a test sees the stand-in's own fault instead of waiting on a request that never ends.
      send(failure(500, String(error), "Neo.DatabaseError.General.UnknownError"));
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
    checkValues(name, params);
    const [fields, values] = await graph.run(name, params);
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
      }).then(() => Promise.all([...graphs.values()].map((graph) => graph.close()))),
  };
}

function failure(status: number, message: string, code = "Neo.ClientError.Request.Invalid"): Answer {
  return { status, body: { errors: [{ code, message }] } };
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

type Kuzu = typeof import("kuzu");
type QueryParameters = Record<string, unknown>;

/**
 * Kùzu is a native module: it loads through Node's own require (Vite's module runner cannot
 * transform a .node file), once, when the first server starts.
 */
let kuzuModule: Kuzu | undefined;
function kuzu(): Kuzu {
  kuzuModule ??= createRequire(import.meta.url)("kuzu") as Kuzu;
  return kuzuModule;
}

/** Kùzu wants a schema before any data: the graph the adapter's header describes. */
const KUZU_SCHEMA = [
  "CREATE NODE TABLE User(id STRING PRIMARY KEY, displayName STRING, role STRING)",
  "CREATE REL TABLE CONNECTED(FROM User TO User, source STRING)",
  "CREATE REL TABLE BLOCKED(FROM User TO User)",
];

/** One unit of a translated statement: Kùzu text and the parameters it takes from the request. */
interface KuzuStep {
  text: string;
  /** The list parameter it unwinds; the step is skipped when that list is empty (see TRANSLATIONS). */
  unwinds?: string;
}

/**
 * What the stand-in sends to Kùzu for each adapter statement. Everything not listed runs word for
 * word; these are the only translations, each forced by a statement Kùzu 0.11 does not parse:
 * 1. `apply`: Kùzu has no `CALL () { … }` unit subqueries. Each unit's body runs as its own
 *    statement, in the order written, all in one Kùzu transaction (rolled back on any error), which
 *    is what the units in one implicit Neo4j transaction do.
 * 2. `apply`: a unit whose list parameter is empty is skipped rather than sent (Kùzu cannot infer
 *    the type of an empty list parameter); UNWIND of an empty list is a no-op in both engines.
 * 3. `constraint`: not sent. The User table's PRIMARY KEY is Kùzu's uniqueness constraint on id; the
 *    stand-in records that the constraint was asked for (shown by `GET /__graph/<db>`).
 * 4. `clear`: `CALL (n) { … } IN TRANSACTIONS OF k ROWS` becomes its body (`MATCH (n:User) DETACH
 *    DELETE n`): Kùzu has no batched subqueries, and the stand-in's graphs are small.
 */
const TRANSLATIONS: Record<CypherName, KuzuStep[] | "constraint"> = {
  experts: [{ text: CYPHER.experts }],
  people: [{ text: CYPHER.people }],
  apply: [...CYPHER.apply.matchAll(/CALL \(\) \{ (.*?) \}(?= CALL \(\) \{|$)/g)].map(([, body = ""]) => ({
    text: body,
    unwinds: body.match(/^UNWIND \$(\w+) AS /)?.[1] ?? "",
  })),
  constraint: "constraint",
  clear: [{ text: CYPHER.clear.replace(/ CALL \((\w+)\) \{ (.*) \} IN TRANSACTIONS OF \d+ ROWS$/, " $2") }],
};

/** One Neo4j database, held by an in-memory Kùzu database; statements run one at a time. */
class KuzuGraph {
  readonly constraints = new Set<string>();
  private readonly database: InstanceType<Kuzu["Database"]>;
  private readonly connection: InstanceType<Kuzu["Connection"]>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly ready: Promise<void>;

  constructor() {
    const { Database, Connection } = kuzu();
    this.database = new Database(":memory:");
    this.connection = new Connection(this.database);
    this.ready = (async () => {
      for (const statement of KUZU_SCHEMA) await this.query(statement, {});
    })();
  }

  /** Runs one adapter statement; returns Neo4j's fields and values. */
  run(name: CypherName, params: QueryParameters): Promise<[string[], unknown[][]]> {
    return this.serial(async () => {
      await this.ready;
      const translation = TRANSLATIONS[name];
      if (translation === "constraint") {
        this.constraints.add("user_id");
        return [[], []];
      }
      const steps = translation.filter(
        (step) => !step.unwinds || (params[step.unwinds] as unknown[]).length > 0,
      );
      if (steps.length === 1 && steps[0]) return this.rows(steps[0].text, params);
      await this.query("BEGIN TRANSACTION", {});
      try {
        for (const step of steps) await this.query(step.text, params);
        await this.query("COMMIT", {});
      } catch (error) {
        await this.query("ROLLBACK", {});
        throw error;
      }
      return [[], []];
    });
  }

  /** The stored graph, for `GET /__graph/<db>`. */
  snapshot(): Promise<FakeNeo4jGraph> {
    return this.serial(async () => {
      await this.ready;
      const users = await this.query(
        "MATCH (u:User) RETURN u.id AS id, u.displayName AS displayName, u.role AS role ORDER BY u.id",
        {},
      );
      const connected = await this.query(
        "MATCH (a:User)-[r:CONNECTED]->(b:User) RETURN a.id AS fromId, b.id AS toId, r.source AS source ORDER BY a.id, b.id",
        {},
      );
      const blocked = await this.query(
        "MATCH (a:User)-[:BLOCKED]->(b:User) RETURN a.id AS fromId, b.id AS toId ORDER BY a.id, b.id",
        {},
      );
      return {
        users: users as FakeNeo4jGraph["users"],
        connected: connected.map((r) => ({
          from: String(r.fromId),
          to: String(r.toId),
          source: r.source as string | null,
        })),
        blocked: blocked.map((r) => ({ blocker: String(r.fromId), blocked: String(r.toId) })),
        constraints: [...this.constraints],
      };
    });
  }

  close() {
    return this.serial(async () => {
      await this.connection.close();
      await this.database.close();
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  private async rows(text: string, params: QueryParameters): Promise<[string[], unknown[][]]> {
    const result = await this.execute(text, params);
    const fields = await result.getColumnNames();
    const rows = await result.getAll();
    result.close();
    return [fields, rows.map((row) => fields.map((field) => row[field] ?? null))];
  }

  private async query(text: string, params: QueryParameters): Promise<Record<string, unknown>[]> {
    const result = await this.execute(text, params);
    const rows = await result.getAll();
    result.close();
    return rows;
  }

  /** Sends only the parameters the text names: Kùzu rejects parameters a statement does not use. */
  private async execute(text: string, params: QueryParameters) {
    const used = Object.fromEntries(
      [...new Set([...text.matchAll(/\$(\w+)/g)].map((m) => m[1] ?? ""))].map((key) => [key, params[key]]),
    );
    let result: Awaited<ReturnType<typeof this.connection.query>>;
    try {
      if (Object.keys(used).length === 0) result = await this.connection.query(text);
      else {
        const prepared = await this.connection.prepare(text);
        if (!prepared.isSuccess()) throw new Error(prepared.getErrorMessage());
        result = await this.connection.execute(prepared, used as never);
      }
    } catch (error) {
      throw new Neo4jFailure(
        400,
        "Neo.ClientError.Statement.ExecutionFailed",
        `Kùzu could not run the statement: ${error instanceof Error ? error.message : String(error)}\n${text}`,
      );
    }
    if (Array.isArray(result)) throw new Error("one statement at a time");
    return result;
  }
}

/**
 * What a real server would refuse before touching the graph, checked before Kùzu sees the request
 * (Kùzu's own messages for these are about its types, not Neo4j's).
 */
function checkValues(name: CypherName, params: QueryParameters) {
  if (name === "experts" || name === "people") {
    const { limit } = params;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
      throw new Neo4jFailure(
        400,
        "Neo.ClientError.Statement.ArgumentError",
        `Invalid input. '${String(limit)}' is not a valid value. Must be a non-negative integer.`,
      );
    }
  }
  if (name !== "apply") return;
  const keys: Record<string, string[]> = {
    users: ["id"],
    connects: ["a", "b"],
    disconnects: [],
    blocks: ["blocker", "blocked"],
    unblocks: [],
  };
  for (const [list, ids] of Object.entries(keys)) {
    const value = params[list];
    if (!Array.isArray(value) || value.some((item) => typeof item !== "object" || item === null)) {
      throw new Neo4jFailure(
        400,
        "Neo.ClientError.Statement.TypeError",
        `Type mismatch: expected a list of maps for $${list}`,
      );
    }
    for (const entry of value as QueryParameters[]) {
      for (const key of ids) {
        if (entry[key] === null || entry[key] === undefined) {
          throw new Neo4jFailure(
            400,
            "Neo.ClientError.Statement.SemanticError",
            `Cannot merge the following node because of null property value for 'id': (:User {id: null})`,
          );
        }
      }
    }
  }
}
