import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export interface InboxNotification {
  id: string;
  type: string;
  text: string;
  createdAt: number;
}

export type InboxFrame =
  | { type: "hello"; unread: InboxNotification[] }
  | { type: "notification"; notification: InboxNotification };

const KEEP = 100;

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
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("expected a websocket", { status: 426 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    const hello: InboxFrame = { type: "hello", unread: this.recent() };
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
