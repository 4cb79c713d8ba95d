import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { Unauthorized } from "../shared/errors";
import type { SessionProof } from "../shared/session-proof";
import { type Session, sessions, type User } from "./schema";
import { SESSION_IDLE_MS, TOUCH_EVERY_MS } from "./services/sessions";

/**
 * The isolate's recently resolved sessions, for reads (GET and HEAD): a reader paging through a
 * feed presents the same cookie every few seconds, and each lookup was a D1 round trip of its own.
 * An entry is used for at most `FRESH_MS`, so the user's row (role, campus) is at most that old; the
 * session itself is confirmed for every request (shared/session-proof.ts), so a session that ended
 * stops working at once, in every isolate. Writes always look the session up in D1.
 */
export const FRESH_MS = 30_000;
/** Bounded: at most this many entries, the oldest dropped first (a Map keeps insertion order). */
const MAX_ENTRIES = 5_000;

interface Entry {
  found: { session: Session; user: User };
  at: number;
}
const recent = new Map<string, Entry>();

/** A fresh entry for the session id (its SHA-256), or undefined. */
export function recentSession(id: string, now = Date.now()): { session: Session; user: User } | undefined {
  const entry = recent.get(id);
  if (!entry) return undefined;
  // Stale, or due for its last-seen refresh (which the D1 lookup does): look it up again.
  if (now - entry.at > FRESH_MS || now - entry.found.session.lastSeenAt > TOUCH_EVERY_MS) {
    recent.delete(id);
    return undefined;
  }
  return entry.found;
}

export function rememberSession(found: { session: Session; user: User }, now = Date.now()): void {
  recent.delete(found.session.id);
  if (recent.size >= MAX_ENTRIES) {
    const oldest = recent.keys().next().value;
    if (oldest !== undefined) recent.delete(oldest);
  }
  recent.set(found.session.id, { found, at: now });
}

export function forgetSession(id: string): void {
  recent.delete(id);
}

/** Tests: start from an empty cache. */
export function forgetAllSessions(): void {
  recent.clear();
}

const SessionRow = {
  lastSeenAt: sessions.lastSeenAt,
  expiresAt: sessions.expiresAt,
};

/** The proof that a cached session still holds, to be confirmed in the request's own D1 batch. */
export function sessionProof(db: Db, id: string): SessionProof {
  let confirmed = false;
  return {
    check: db.select(SessionRow).from(sessions).where(eq(sessions.id, id)),
    confirm(rows) {
      confirmed = true;
      const row = (rows as { lastSeenAt: number; expiresAt: number }[])[0];
      const now = Date.now();
      if (!row || row.expiresAt <= now || row.lastSeenAt + SESSION_IDLE_MS <= now) {
        forgetSession(id);
        throw new Unauthorized();
      }
    },
    get confirmed() {
      return confirmed;
    },
  };
}
