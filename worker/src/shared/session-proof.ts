import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";

/**
 * A signed-in user taken from the isolate's recent sessions (identity/session-cache.ts) rather than
 * looked up in D1 for this request. The session may have ended since (sign-out, a password change,
 * the account deleted), so it is confirmed in D1 before the response leaves: a read puts `check`
 * into its own D1 batch (no extra round trip) and hands the rows to `confirm`, which throws
 * Unauthorized when the session is gone. A request whose route did not confirm it is confirmed by
 * the session middleware after the route, with one query of its own, as before the cache.
 */
export interface SessionProof {
  /** The session's row, if it still exists (a select by primary key). */
  readonly check: BatchItem<"sqlite">;
  /** Given `check`'s rows: throws Unauthorized unless the session still exists and has not expired. */
  confirm(rows: unknown): void;
  readonly confirmed: boolean;
}

/**
 * What a read puts in its D1 batch for the session: the proof's check when the session came from
 * the cache, else an empty statement (the session was looked up in D1 for this very request).
 */
export function sessionCheck(ctx: { db: Db; sessionProof?: SessionProof | null }): BatchItem<"sqlite"> {
  return ctx.sessionProof?.check ?? ctx.db.all(sql`select 0 where 0`);
}

/** Hands `sessionCheck`'s rows to the proof: throws Unauthorized when the session has ended. */
export function confirmSession(ctx: { sessionProof?: SessionProof | null }, rows: unknown): void {
  ctx.sessionProof?.confirm(rows);
}
