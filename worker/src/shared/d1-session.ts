import { parse, serialize } from "hono/utils/cookie";

/**
 * D1 read replication: every request runs its queries in one D1 session (`withSession`), so reads
 * may be served by the nearest replica while the request stays sequentially consistent (its own
 * writes are visible to its later reads). Between requests the client carries the session's
 * bookmark: browsers in the `atas_d1` cookie, API clients in the `x-d1-bookmark` header.
 *
 * Where a session starts:
 * - a write request (any method but GET, HEAD, OPTIONS): "first-primary". Its first query goes to
 *   the primary, which is at least as new as any bookmark, so the client's bookmark is not needed;
 * - a read with a well-formed bookmark: that bookmark (the replica must have caught up with it, so
 *   the user reads their own writes);
 * - any other read (no bookmark, or one that is not D1's shape): "first-unconstrained".
 * A session anchored at a client's bookmark that D1 refuses (its first round trip fails) is
 * replaced by a "first-primary" session and the round trip re-run there, once: a forged bookmark
 * costs its sender a trip to the primary, never a 500.
 *
 * Queue consumers, cron runs and Durable Objects open no session: without the Sessions API, D1
 * sends every query to the primary, which is what work that follows a write needs
 * (docs/scale.md, "Read replication").
 */

export const BOOKMARK_HEADER = "x-d1-bookmark";
const COOKIE = "atas_d1";
/** D1's bookmarks: three 8-digit hex counters and a 32-digit hex hash, e.g. 0000007b-0000b26e-00001538-0c3e…. */
const BOOKMARK_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export type SessionStart =
  | { from: "first-primary" }
  | { from: "first-unconstrained" }
  | { from: "bookmark"; bookmark: string };

/** A bookmark as the client sent it, or null when it is not D1's shape. */
export function validBookmark(value: string | null | undefined): string | null {
  return value && BOOKMARK_SHAPE.test(value) ? value : null;
}

/** Over plain http on a loopback origin (local dev) the cookie loses Secure and its __Host- prefix. */
function secureTransport(url: URL): boolean {
  return url.protocol === "https:" || !LOOPBACK.has(url.hostname);
}

function cookieName(url: URL): string {
  return secureTransport(url) ? `__Host-${COOKIE}` : COOKIE;
}

/** The bookmark the request carries: the newer of the cookie's and the header's (bookmarks sort by age). */
export function requestBookmark(request: Request): { cookie: string | null; newest: string | null } {
  const name = cookieName(new URL(request.url));
  const cookie = validBookmark(parse(request.headers.get("cookie") ?? "", name)[name]);
  const header = validBookmark(request.headers.get(BOOKMARK_HEADER));
  const newest =
    [cookie, header]
      .filter((b): b is string => b !== null)
      .sort()
      .pop() ?? null;
  return { cookie, newest };
}

/** Where this request's session starts (the rules above). */
export function sessionStart(request: Request): SessionStart {
  if (!READ_METHODS.has(request.method.toUpperCase())) return { from: "first-primary" };
  const bookmark = requestBookmark(request).newest;
  return bookmark ? { from: "bookmark", bookmark } : { from: "first-unconstrained" };
}

export interface RequestSession {
  /** The session as a D1Database: what `createDb` and the usage meter take. */
  database: D1Database;
  start: SessionStart;
  /** The newest bookmark the session has seen; null until a query ran. */
  bookmark(): string | null;
  /** True once a refused client bookmark made the session start over on the primary. */
  readonly fellBack: boolean;
}

type Execute = "all" | "run" | "first" | "raw";

/**
 * Opens the request's session. The returned database prepares each statement on the current
 * session and makes it again on a new one if the session changed before it ran, so the first round
 * trip can be re-run on the primary if D1 refuses the client's bookmark. `exec` and `withSession`
 * go to the database itself (migrations, tests).
 */
export function openSession(primary: D1Database, start: SessionStart): RequestSession {
  let session = begin(primary, start.from === "bookmark" ? start.bookmark : start.from);
  let settled = start.from !== "bookmark";
  let fellBack = false;

  const onSession = async <T>(work: (current: D1DatabaseSession) => Promise<T>): Promise<T> => {
    if (settled) return work(session);
    const tried = session;
    try {
      const result = await work(tried);
      settled = true;
      return result;
    } catch (error) {
      if (session === tried) {
        // Another round trip on this session succeeded: D1 took the bookmark, so this is a real error.
        if (settled) throw error;
        session = begin(primary, "first-primary");
        fellBack = true;
        console.warn(JSON.stringify({ atas: "d1-bookmark-refused", error: String(error).slice(0, 200) }));
      }
      settled = true;
      return work(session);
    }
  };

  /**
   * A statement prepared on the session current when it is made (so a failing prepare throws where
   * it always did), and made again on the new session if the session changes before it runs.
   */
  const statement = (
    query: string,
    params: unknown[],
    made: { on: D1DatabaseSession; prepared: D1PreparedStatement } = {
      on: session,
      prepared: session.prepare(query),
    },
  ): D1PreparedStatement => {
    const on = (current: D1DatabaseSession) =>
      current === made.on ? made.prepared : current.prepare(query).bind(...params);
    const execute = (method: Execute, argument?: unknown) =>
      onSession((current) => {
        const prepared = on(current);
        switch (method) {
          case "all":
            return prepared.all();
          case "run":
            return prepared.run();
          case "first":
            return typeof argument === "string" ? prepared.first(argument) : prepared.first();
          case "raw":
            return (argument as { columnNames?: boolean } | undefined)?.columnNames
              ? prepared.raw({ columnNames: true })
              : prepared.raw();
        }
      });
    const lazy = {
      [PREPARED]: on,
      bind: (...values: unknown[]) =>
        statement(query, values, { on: made.on, prepared: made.prepared.bind(...values) }),
      all: () => execute("all"),
      run: () => execute("run"),
      first: (column?: string) => execute("first", column),
      raw: (options?: { columnNames?: boolean }) => execute("raw", options),
    };
    return lazy as unknown as D1PreparedStatement;
  };

  const database = {
    prepare: (query: string) => statement(query, []),
    batch: (statements: D1PreparedStatement[]) =>
      onSession((current) => current.batch(statements.map((s) => preparedOn(s, current)))),
    exec: (query: string) => primary.exec(query),
    withSession: (constraintOrBookmark?: string) => primary.withSession(constraintOrBookmark),
    dump: () => primary.dump(),
  };
  return {
    database: database as unknown as D1Database,
    start,
    bookmark: () => session.getBookmark(),
    get fellBack() {
      return fellBack;
    },
  };
}

const PREPARED = Symbol("prepared on a session");

/**
 * A session on `primary`; a binding that cannot open one (a stand-in without `withSession`) is used
 * as it is, so its own failures surface where the queries run (the health check names D1).
 */
function begin(primary: D1Database, constraintOrBookmark: string): D1DatabaseSession {
  try {
    return primary.withSession(constraintOrBookmark);
  } catch {
    return {
      prepare: (query) => primary.prepare(query),
      batch: (statements) => primary.batch(statements),
      getBookmark: () => null,
    };
  }
}

/** A statement of ours, made for `current`; a foreign one (made elsewhere) is passed through. */
function preparedOn(statement: D1PreparedStatement, current: D1DatabaseSession): D1PreparedStatement {
  const on = (statement as unknown as { [PREPARED]?: (s: D1DatabaseSession) => D1PreparedStatement })[
    PREPARED
  ];
  return on ? on(current) : statement;
}

/**
 * The response with the session's bookmark: always in the `x-d1-bookmark` header; in the cookie
 * when the request wrote (started on the primary) or already carried one and it moved on. A reader
 * who never wrote gets no cookie: only your own writes need a bookmark to be seen.
 */
export function withBookmark(request: Request, response: Response, session: RequestSession): Response {
  const bookmark = validBookmark(session.bookmark());
  // A WebSocket upgrade's headers are already sent to the client.
  if (!bookmark || response.status === 101) return response;
  const { cookie } = requestBookmark(request);
  const setCookie =
    session.start.from === "first-primary" ? cookie !== bookmark : cookie !== null && cookie !== bookmark;
  let out = response;
  try {
    out.headers.set(BOOKMARK_HEADER, bookmark);
  } catch {
    // A fetched response's headers are immutable: copy it.
    out = new Response(response.body, response);
    out.headers.set(BOOKMARK_HEADER, bookmark);
  }
  if (setCookie) {
    const url = new URL(request.url);
    const secure = secureTransport(url);
    out.headers.append(
      "set-cookie",
      serialize(cookieName(url), bookmark, { path: "/", httpOnly: true, secure, sameSite: "Lax" }),
    );
  }
  return out;
}
