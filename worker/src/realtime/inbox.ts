import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { roomOf } from "./room";
import { type EndedSessions, SESSION_ENDED, SESSION_TAG_PREFIX, sessionTag } from "./session-sockets";

export interface InboxNotification {
  id: string;
  type: string;
  text: string;
  createdAt: number;
}

/**
 * A step of a proposal draft being written: `chunk` continues the text at `offset` (offset 0 with
 * an empty chunk starts it over, as a retry does). Frames for a finished draft carry its status.
 */
export interface DraftFrame {
  type: "draft";
  draftId: string;
  status: "queued" | "writing" | "ready" | "failed";
  offset: number;
  chunk: string;
  error?: string;
  /** When the consumer sent it (epoch ms), so a page can tell how long the text took to arrive. */
  sentAt: number;
}

/** A draft still being written, as a page that (re)connects needs it to carry on. */
export interface LiveDraft {
  draftId: string;
  status: DraftFrame["status"];
  text: string;
}

export type InboxFrame =
  | { type: "hello"; unread: InboxNotification[]; drafts: LiveDraft[] }
  | { type: "notification"; notification: InboxNotification }
  | DraftFrame
  /** The user's unread count as D1 has it now (after reading in one tab, every tab shows it). */
  | { type: "unread"; count: number };

const KEEP = 100;

/** Set by the worker on an inbox upgrade (any copy from the client is dropped): the session opening it. */
export const INBOX_SESSION_HEADER = "x-atas-session";
/** With it, when that session was created (ms): a session created before a "sign out everywhere" has ended. */
export const INBOX_SESSION_CREATED_HEADER = "x-atas-session-created";
/** A room socket outlives no session, and sessions last at most 30 days. */
const ROOM_SESSION_TTL_MS = 30 * 24 * 3600_000;

/**
 * One per user: every open tab holds a hibernating WebSocket here; notifications are kept in the
 * object's SQLite and pushed to all of them. Pings are answered without waking the object.
 */
export class Inbox extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "create table if not exists notifications (id text primary key, type text not null, text text not null, created_at integer not null)",
    );
    ctx.storage.sql.exec(
      "create table if not exists live_drafts (draft_id text primary key, status text not null, text text not null, updated_at integer not null)",
    );
    // The rooms where this user's sessions opened sockets, so ending a session can reach them.
    ctx.storage.sql.exec(
      "create table if not exists room_sessions (room_id text not null, session_id text not null, at integer not null, primary key (room_id, session_id))",
    );
    // Sessions known to have ended, so a socket whose upgrade passed the session check just before
    // the end is not let in after it: single ids (sign-out), and the latest "all before" cut-off.
    ctx.storage.sql.exec(
      "create table if not exists ended_sessions (session_id text primary key, at integer not null)",
    );
    ctx.storage.sql.exec(
      "create table if not exists ended_cutoff (id integer primary key check (id = 1), before integer not null, kept text)",
    );
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("expected a websocket", { status: 426 });
    const pair = new WebSocketPair();
    const sessionId = request.headers.get(INBOX_SESSION_HEADER);
    const createdAt = Number(request.headers.get(INBOX_SESSION_CREATED_HEADER));
    if (sessionId && this.ended(sessionId, createdAt)) return new Response("session ended", { status: 401 });
    this.ctx.acceptWebSocket(pair[1], sessionId ? [sessionTag(sessionId)] : []);
    const hello: InboxFrame = { type: "hello", unread: this.recent(), drafts: this.liveDrafts() };
    pair[1].send(JSON.stringify(hello));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async notify(input: { type: string; text: string }): Promise<InboxNotification> {
    const notification = { id: crypto.randomUUID(), createdAt: Date.now(), ...input };
    this.ctx.storage.sql.exec(
      "insert into notifications (id, type, text, created_at) values (?, ?, ?, ?)",
      notification.id,
      notification.type,
      notification.text,
      notification.createdAt,
    );
    this.ctx.storage.sql.exec(
      "delete from notifications where id not in (select id from notifications order by created_at desc limit ?)",
      KEEP,
    );
    const frame = JSON.stringify({ type: "notification", notification } satisfies InboxFrame);
    for (const socket of this.ctx.getWebSockets()) socket.send(frame);
    return notification;
  }

  /**
   * Relays a step of a draft to every open tab and keeps the text so far, so a tab that opens
   * mid-way starts from it. A finished draft is forgotten here: D1 has it.
   */
  async draftProgress(frame: Omit<DraftFrame, "type">): Promise<void> {
    const sql = this.ctx.storage.sql;
    if (frame.status === "ready" || frame.status === "failed") {
      sql.exec("delete from live_drafts where draft_id = ?", frame.draftId);
    } else if (frame.offset === 0) {
      sql.exec(
        "insert or replace into live_drafts (draft_id, status, text, updated_at) values (?, ?, ?, ?)",
        frame.draftId,
        frame.status,
        frame.chunk,
        Date.now(),
      );
    } else {
      // Offsets count UTF-16 units, as the page's strings do; a frame that does not continue the
      // stored text (one was lost) leaves it alone, and the page fills the gap from D1.
      const [live] = sql
        .exec<{ text: string }>("select text from live_drafts where draft_id = ?", frame.draftId)
        .toArray();
      if (live && live.text.length === frame.offset)
        sql.exec(
          "update live_drafts set status = ?, text = ?, updated_at = ? where draft_id = ?",
          frame.status,
          live.text + frame.chunk,
          Date.now(),
          frame.draftId,
        );
    }
    // Drafts abandoned mid-way (a worker that died) stop being replayed after an hour.
    sql.exec("delete from live_drafts where updated_at < ?", Date.now() - 3_600_000);
    const message = JSON.stringify({ type: "draft", ...frame } satisfies InboxFrame);
    for (const socket of this.ctx.getWebSockets()) socket.send(message);
  }

  /** Tells every open tab the unread count, e.g. after notifications were read in one of them. */
  async unread(count: number): Promise<void> {
    const frame = JSON.stringify({ type: "unread", count } satisfies InboxFrame);
    for (const socket of this.ctx.getWebSockets()) socket.send(frame);
  }

  /**
   * Notes that a session of this user opened a socket in a room, once the room accepted it; false
   * when the session has already ended (the caller then closes that socket).
   */
  async roomOpened(roomId: string, sessionId: string, createdAt: number): Promise<boolean> {
    if (this.ended(sessionId, createdAt)) return false;
    const now = Date.now();
    this.ctx.storage.sql.exec(
      "insert or replace into room_sessions (room_id, session_id, at) values (?, ?, ?)",
      roomId,
      sessionId,
      now,
    );
    this.ctx.storage.sql.exec("delete from room_sessions where at < ?", now - ROOM_SESSION_TTL_MS);
    return true;
  }

  private ended(sessionId: string, createdAt: number): boolean {
    const sql = this.ctx.storage.sql;
    if (sql.exec("select 1 from ended_sessions where session_id = ?", sessionId).toArray().length > 0)
      return true;
    const [cutoff] = sql
      .exec<{ before: number; kept: string | null }>("select before, kept from ended_cutoff where id = 1")
      .toArray();
    // A session of unknown age counts as old.
    const age = Number.isFinite(createdAt) && createdAt > 0 ? createdAt : 0;
    return cutoff !== undefined && age <= cutoff.before && sessionId !== cutoff.kept;
  }

  /**
   * Closes the sockets of ended sessions at once: this inbox's, and those in every room the
   * sessions opened. Inbox sockets opened without a session tag go too unless one session is kept.
   */
  async endSessions(ended: EndedSessions): Promise<number> {
    const hit = (sessionId: string | null) =>
      "only" in ended
        ? sessionId !== null && ended.only.includes(sessionId)
        : sessionId === null || sessionId !== ended.allBut;
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    if ("only" in ended)
      for (const sessionId of ended.only)
        sql.exec("insert or replace into ended_sessions (session_id, at) values (?, ?)", sessionId, now);
    else
      sql.exec(
        "insert or replace into ended_cutoff (id, before, kept) values (1, ?, ?)",
        ended.before,
        ended.allBut,
      );
    sql.exec("delete from ended_sessions where at < ?", now - ROOM_SESSION_TTL_MS);
    let closed = 0;
    for (const socket of this.ctx.getWebSockets()) {
      const tag = this.ctx.getTags(socket).find((t) => t.startsWith(SESSION_TAG_PREFIX));
      if (!hit(tag ? tag.slice(SESSION_TAG_PREFIX.length) : null)) continue;
      socket.close(SESSION_ENDED, "signed out");
      closed += 1;
    }
    const byRoom = new Map<string, string[]>();
    for (const row of this.ctx.storage.sql.exec<{ room_id: string; session_id: string }>(
      "select room_id, session_id from room_sessions",
    )) {
      if (!hit(row.session_id)) continue;
      byRoom.set(row.room_id, [...(byRoom.get(row.room_id) ?? []), row.session_id]);
    }
    const counts = await Promise.all(
      [...byRoom].map(([roomId, sessionIds]) => roomOf(this.env, roomId).closeSessions(sessionIds)),
    );
    for (const [roomId, sessionIds] of byRoom)
      for (const sessionId of sessionIds)
        this.ctx.storage.sql.exec(
          "delete from room_sessions where room_id = ? and session_id = ?",
          roomId,
          sessionId,
        );
    return closed + counts.reduce((a, b) => a + b, 0);
  }

  liveDrafts(): LiveDraft[] {
    return this.ctx.storage.sql
      .exec<{ draft_id: string; status: string; text: string }>(
        "select draft_id, status, text from live_drafts order by updated_at desc limit 10",
      )
      .toArray()
      .map((row) => ({ draftId: row.draft_id, status: row.status as LiveDraft["status"], text: row.text }));
  }

  recent(): InboxNotification[] {
    return this.ctx.storage.sql
      .exec<{ id: string; type: string; text: string; created_at: number }>(
        "select id, type, text, created_at from notifications order by created_at desc limit 20",
      )
      .toArray()
      .map((row) => ({ id: row.id, type: row.type, text: row.text, createdAt: row.created_at }));
  }

  override async webSocketMessage(): Promise<void> {
    // The inbox is push-only; clients only ping, which the auto-response answers.
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    socket.close(code === 1005 ? 1000 : code, "closing");
  }
}

/** The user's Inbox object: one per user, addressed by their id. */
export function inboxOf(env: Env, userId: string) {
  return env.INBOX.get(env.INBOX.idFromName(userId));
}
