import { AsyncLocalStorage } from "node:async_hooks";
import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import type { AppEnv } from "../env";
import { sha256 } from "../shared/crypto";
import { renderError } from "../shared/render-error";
import { timed } from "../telemetry/usage";
import { readSessionToken } from "./cookie";
import { resolveSession } from "./services/sessions";
import { recentSession, rememberSession, sessionProof } from "./session-cache";

const READS = new Set(["GET", "HEAD"]);

type Found = Awaited<ReturnType<typeof resolveSession>>;
/** Within one page render: the session lookups its API calls share, by session id. */
const pageScope = new AsyncLocalStorage<Map<string, Promise<Found>>>();

/**
 * Runs a page render (the web app's loaders and actions, whose API calls are made in-process) so
 * that its API calls share one D1 lookup of the session instead of one each. A write among them
 * (an action: signing out, say) drops what was shared, so the calls after it look again.
 */
export function withPageSessions<T>(render: () => T): T {
  return pageScope.run(new Map(), render);
}

/**
 * Attaches the signed-in user (or null) to the request. A read may take the session from the
 * isolate's recent ones (session-cache.ts) instead of D1; it is then confirmed before the response
 * leaves: by the route's own D1 batch when the route puts the proof in it (the feeds do), else here
 * after the route, with one query, and a session that ended turns the answer into a 401. The API
 * calls of one page render share one lookup in D1 (`withPageSessions`).
 */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  c.set("user", null);
  c.set("session", null);
  c.set("sessionProof", null);
  const token = readSessionToken(c);
  const db = createDb(c.env.DB);
  if (token) {
    const id = await sha256(token);
    // A WebSocket upgrade is a GET, but it hands the session to a Durable Object: never from the cache.
    const read = READS.has(c.req.method) && c.req.header("upgrade")?.toLowerCase() !== "websocket";
    const page = pageScope.getStore();
    if (page && !read) page.clear();
    const cached = read && !page ? recentSession(id) : undefined;
    if (page && read) {
      let shared = page.get(id);
      if (!shared) {
        shared = timed("session", () => resolveSession(db, token, id));
        page.set(id, shared);
      }
      const found = await shared;
      if (found) {
        c.set("user", found.user);
        c.set("session", found.session);
      }
    } else if (cached) {
      c.set("user", cached.user);
      c.set("session", cached.session);
      c.set("sessionProof", sessionProof(db, id));
    } else {
      const found = await timed("session", () => resolveSession(db, token, id), true);
      if (found) {
        c.set("user", found.user);
        c.set("session", found.session);
        if (read) rememberSession(found);
      }
    }
  }
  await next();
  const proof = c.get("sessionProof");
  if (proof && !proof.confirmed) {
    try {
      proof.confirm(await timed("session", () => db.batch([proof.check]).then(([rows]) => rows), true));
    } catch (error) {
      c.res = renderError(error as Error, c);
    }
  }
});
