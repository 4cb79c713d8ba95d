import type { EndedSessions } from "../session-sockets";

/** A room socket outlives no session, and sessions last at most 30 days. */
const ROOM_SESSION_TTL_MS = 30 * 24 * 3600_000;

/**
 * The user's sessions as far as sockets go: which rooms each opened sockets in, so ending a session
 * can reach them, and which sessions have ended, so a socket whose upgrade passed the session check
 * just before the end is not let in after it.
 */
export class InboxSessions {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "create table if not exists room_sessions (room_id text not null, session_id text not null, at integer not null, primary key (room_id, session_id))",
    );
    // Single ids (sign-out), and the latest "all before" cut-off.
    sql.exec("create table if not exists ended_sessions (session_id text primary key, at integer not null)");
    sql.exec(
      "create table if not exists ended_cutoff (id integer primary key check (id = 1), before integer not null, kept text)",
    );
  }

  ended(sessionId: string, createdAt: number): boolean {
    if (this.sql.exec("select 1 from ended_sessions where session_id = ?", sessionId).toArray().length > 0)
      return true;
    const [cutoff] = this.sql
      .exec<{ before: number; kept: string | null }>("select before, kept from ended_cutoff where id = 1")
      .toArray();
    // A session of unknown age counts as old.
    const age = Number.isFinite(createdAt) && createdAt > 0 ? createdAt : 0;
    return cutoff !== undefined && age <= cutoff.before && sessionId !== cutoff.kept;
  }

  roomOpened(roomId: string, sessionId: string, now: number) {
    this.sql.exec(
      "insert or replace into room_sessions (room_id, session_id, at) values (?, ?, ?)",
      roomId,
      sessionId,
      now,
    );
    this.sql.exec("delete from room_sessions where at < ?", now - ROOM_SESSION_TTL_MS);
  }

  /** Remembers that these sessions ended, so their sockets are refused from now on. */
  end(ended: EndedSessions, now: number) {
    if ("only" in ended)
      for (const sessionId of ended.only)
        this.sql.exec("insert or replace into ended_sessions (session_id, at) values (?, ?)", sessionId, now);
    else
      this.sql.exec(
        "insert or replace into ended_cutoff (id, before, kept) values (1, ?, ?)",
        ended.before,
        ended.allBut,
      );
    this.sql.exec("delete from ended_sessions where at < ?", now - ROOM_SESSION_TTL_MS);
  }

  /** The rooms where sessions that `hit` accepts opened sockets, with those sessions. */
  rooms(hit: (sessionId: string) => boolean): Map<string, string[]> {
    const byRoom = new Map<string, string[]>();
    for (const row of this.sql.exec<{ room_id: string; session_id: string }>(
      "select room_id, session_id from room_sessions",
    )) {
      if (!hit(row.session_id)) continue;
      byRoom.set(row.room_id, [...(byRoom.get(row.room_id) ?? []), row.session_id]);
    }
    return byRoom;
  }

  /** Forgets the sockets these sessions opened in a room, once that room closed them. */
  roomClosed(roomId: string, sessionIds: string[]) {
    for (const sessionId of sessionIds)
      this.sql.exec("delete from room_sessions where room_id = ? and session_id = ?", roomId, sessionId);
  }
}
