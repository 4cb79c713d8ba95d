import { and, eq, lt, ne, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { randomToken, sha256 } from "../../shared/crypto";
import { type Session, sessions, type User, users } from "../schema";

export const SESSION_IDLE_MS = 7 * 24 * 3600_000;
export const SESSION_ABSOLUTE_MS = 30 * 24 * 3600_000;
/** Refresh last-seen at most this often, so reads do not each write. */
export const TOUCH_EVERY_MS = 5 * 60_000;

export async function createSession(db: Db, userId: string, userAgent: string) {
  const token = randomToken();
  const now = Date.now();
  await db.insert(sessions).values({
    id: await sha256(token),
    userId,
    lastSeenAt: now,
    expiresAt: now + SESSION_ABSOLUTE_MS,
    userAgent: userAgent.slice(0, 200),
  });
  return { token, maxAgeSeconds: SESSION_ABSOLUTE_MS / 1000 };
}

export async function resolveSession(
  db: Db,
  token: string,
  knownId?: string,
): Promise<{ session: Session; user: User } | null> {
  const id = knownId ?? (await sha256(token));
  const row = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .get();
  if (!row) return null;
  const now = Date.now();
  if (row.session.expiresAt <= now || row.session.lastSeenAt + SESSION_IDLE_MS <= now) {
    await db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  if (now - row.session.lastSeenAt > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
  }
  return row;
}

export async function endSession(db: Db, sessionId: string) {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of the user but `keep` (the one changing the password), or all of them. */
export function endOtherSessionsQuery(db: Db, userId: string, keep?: string) {
  return db
    .delete(sessions)
    .where(keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId));
}

export async function purgeExpiredSessions(db: Db, now = Date.now()) {
  await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, now - SESSION_IDLE_MS)));
}
