import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { type DraftFrame, type LiveDraft, LiveDrafts } from "./inbox/drafts";
import { type InboxNotification, InboxNotifications } from "./inbox/notifications";
import { InboxSessions } from "./inbox/sessions";
import { roomOf } from "./room";
import { type EndedSessions, SESSION_ENDED, SESSION_TAG_PREFIX, sessionTag } from "./session-sockets";

// The page and the draft writer import these from here.
export type { DraftFrame, LiveDraft } from "./inbox/drafts";
export type { InboxNotification } from "./inbox/notifications";

export type InboxFrame =
  | { type: "hello"; unread: InboxNotification[]; drafts: LiveDraft[] }
  | { type: "notification"; notification: InboxNotification }
  | DraftFrame
  /** The user's unread count as D1 has it now (after reading in one tab, every tab shows it). */
  | { type: "unread"; count: number };

/** Set by the worker on an inbox upgrade (any copy from the client is dropped): the session opening it. */
export const INBOX_SESSION_HEADER = "x-atas-session";
/** With it, when that session was created (ms): a session created before a "sign out everywhere" has ended. */
export const INBOX_SESSION_CREATED_HEADER = "x-atas-session-created";

/**
 * One per user: every open tab holds a hibernating WebSocket here; notifications and drafts being
 * written are kept in the object's SQLite (`inbox/`) and pushed to all of them. Pings are answered
 * without waking the object. It also knows the user's sessions' room sockets, to end them.
 */
export class Inbox extends DurableObject<Env> {
  private readonly notifications: InboxNotifications;
  private readonly drafts: LiveDrafts;
  private readonly sessions: InboxSessions;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.notifications = new InboxNotifications(ctx.storage.sql);
    this.drafts = new LiveDrafts(ctx.storage.sql);
    this.sessions = new InboxSessions(ctx.storage.sql);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("expected a websocket", { status: 426 });
    const pair = new WebSocketPair();
    const sessionId = request.headers.get(INBOX_SESSION_HEADER);
    const createdAt = Number(request.headers.get(INBOX_SESSION_CREATED_HEADER));
    if (sessionId && this.sessions.ended(sessionId, createdAt))
      return new Response("session ended", { status: 401 });
    this.ctx.acceptWebSocket(pair[1], sessionId ? [sessionTag(sessionId)] : []);
    const hello: InboxFrame = { type: "hello", unread: this.recent(), drafts: this.liveDrafts() };
    pair[1].send(JSON.stringify(hello));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async notify(input: { type: string; text: string }): Promise<InboxNotification> {
    const notification = this.notifications.add(input, Date.now());
    this.push({ type: "notification", notification });
    return notification;
  }

  /**
   * Relays a step of a draft to every open tab and keeps the text so far, so a tab that opens
   * mid-way starts from it.
   */
  async draftProgress(frame: Omit<DraftFrame, "type">): Promise<void> {
    this.drafts.record(frame, Date.now());
    this.push({ type: "draft", ...frame });
  }

  /** Tells every open tab the unread count, e.g. after notifications were read in one of them. */
  async unread(count: number): Promise<void> {
    this.push({ type: "unread", count });
  }

  /**
   * Notes that a session of this user opened a socket in a room, once the room accepted it; false
   * when the session has already ended (the caller then closes that socket).
   */
  async roomOpened(roomId: string, sessionId: string, createdAt: number): Promise<boolean> {
    if (this.sessions.ended(sessionId, createdAt)) return false;
    this.sessions.roomOpened(roomId, sessionId, Date.now());
    return true;
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
    this.sessions.end(ended, Date.now());
    let closed = 0;
    for (const socket of this.ctx.getWebSockets()) {
      const tag = this.ctx.getTags(socket).find((t) => t.startsWith(SESSION_TAG_PREFIX));
      if (!hit(tag ? tag.slice(SESSION_TAG_PREFIX.length) : null)) continue;
      socket.close(SESSION_ENDED, "signed out");
      closed += 1;
    }
    const byRoom = this.sessions.rooms(hit);
    const counts = await Promise.all(
      [...byRoom].map(([roomId, sessionIds]) => roomOf(this.env, roomId).closeSessions(sessionIds)),
    );
    for (const [roomId, sessionIds] of byRoom) this.sessions.roomClosed(roomId, sessionIds);
    return closed + counts.reduce((a, b) => a + b, 0);
  }

  liveDrafts(): LiveDraft[] {
    return this.drafts.live();
  }

  recent(): InboxNotification[] {
    return this.notifications.recent();
  }

  override async webSocketMessage(): Promise<void> {
    // The inbox is push-only; clients only ping, which the auto-response answers.
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    socket.close(code === 1005 ? 1000 : code, "closing");
  }

  /** Sends one frame, serialised once, to every open tab. */
  private push(frame: InboxFrame) {
    const text = JSON.stringify(frame);
    for (const socket of this.ctx.getWebSockets()) socket.send(text);
  }
}

/** The user's Inbox object: one per user, addressed by their id. */
export function inboxOf(env: Env, userId: string) {
  return env.INBOX.get(env.INBOX.idFromName(userId));
}
