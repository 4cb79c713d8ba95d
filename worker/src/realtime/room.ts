import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import type { Env } from "../env";
import {
  BROADCAST_EVERY_MS,
  ClientFrame,
  type LiveMessage,
  MAX_MESSAGE_CHARS,
  PRESENCE_EVERY_MS,
  RATE_LIMIT,
  REPLAY_ON_JOIN,
  type RoomAuthor,
  type RoomErrorCode,
  type RoomMessage,
  type RoomPerson,
  type ServerFrame,
  SOCKETS_PER_PERSON,
  TYPING_EVERY_MS,
} from "./room-protocol";
import { SESSION_ENDED, sessionTag } from "./session-sockets";

/**
 * Who is connecting, as the worker established it (session, membership, mute). The worker sets
 * this header itself and drops any copy the client sent; the object is reachable only through the
 * worker's binding, so it trusts this header and nothing else.
 */
export const ROOM_IDENTITY_HEADER = "x-atas-room-identity";

export const RoomIdentity = z.object({
  roomId: z.string(),
  userId: z.string(),
  displayName: z.string(),
  role: z.string(),
  moderator: z.boolean(),
  mutedUntil: z.number().nullable(),
  /** The session opening the socket, so that ending it closes the socket. */
  sessionId: z.string().optional(),
  /** Posting ends at this time (epoch ms) for everyone: an expert–student room (contact-matrix.ts). Null: no end. */
  writableUntil: z.number().nullable(),
});
export type RoomIdentity = z.infer<typeof RoomIdentity>;

export function roomOf(env: Env, roomId: string) {
  return env.ROOMS.get(env.ROOMS.idFromName(roomId));
}

export function encodeIdentity(identity: RoomIdentity): string {
  // Header values are bytes; names are not always Latin-1.
  return encodeURIComponent(JSON.stringify(identity));
}

/**
 * What each socket carries through hibernation (`serializeAttachment`): the instance may be
 * evicted between any two frames, so nothing about a connection lives only in memory.
 */
interface SocketState {
  /** Tells this socket apart from the user's other tabs. */
  sid: string;
  roomId: string;
  userId: string;
  displayName: string;
  role: string;
  moderator: boolean;
  /** The room's cursor when the socket went live: everything after it reached the socket live. */
  since: number;
  /** The oldest seq the join's replay sent: live messages from it up to `since` reached the socket then. */
  floor: number;
  /** When this socket's last typing frame was relayed. */
  typingAt: number;
}

/** A message with its author's number and name (`MESSAGE_COLUMNS` from `messages m join people p`). */
interface MessageRow {
  seq: number;
  at: number;
  body: string;
  n: number;
  user_id: string;
  display_name: string;
  [key: string]: SqlStorageValue;
}

const MESSAGE_COLUMNS =
  "m.seq, m.at, m.body, p.n, p.user_id, p.display_name from messages m join people p on p.user_id = m.user_id";

/** Beyond this many names in one presence frame, only the count is sent. */
const PRESENCE_NAMES = 5;
const MEMBERS_SAMPLE = 12;
/** Longest raw frame read; a valid one is far shorter. */
const MAX_FRAME_CHARS = 4 * MAX_MESSAGE_CHARS + 512;

const toMessage = (row: MessageRow): RoomMessage => ({ seq: row.seq, by: row.n, at: row.at, body: row.body });
const toAuthor = (row: MessageRow): RoomAuthor => ({
  n: row.n,
  userId: row.user_id,
  displayName: row.display_name,
});

/**
 * One per room (campus, topic, club, direct). Every socket hibernates here; messages are stored in
 * the object's SQLite under one increasing `seq`, so every client sees the same order and a client
 * that reconnects with its cursor gets exactly what it missed. Deleting a message also takes a seq,
 * so a resume replays the deletions the client missed too.
 */
export class Room extends DurableObject<Env> {
  /** Online users and their open sockets. Rebuilt from the attachments after a wake-up. */
  private online: Map<string, { displayName: string; sockets: number }> | null = null;
  /** Who came and went since the last presence frame (names only; the count is recomputed). */
  private joined: RoomPerson[] = [];
  private left: RoomPerson[] = [];
  private gone = new Set<string>();
  private presenceScheduled = false;
  /** Authors by user id, as numbered in the `people` table. */
  private authors = new Map<string, RoomAuthor>();
  /**
   * Sockets accepted so far (since the instance woke), and its value and the author's name when each
   * author was last introduced with a message's `who`: a socket accepted later may not know that
   * author's number yet, and a new name is news to everyone.
   */
  private joins = 0;
  private introduced = new Map<number, { joins: number; displayName: string }>();
  /** Stored messages waiting for the room's next broadcast, in seq order (`BROADCAST_EVERY_MS`). */
  private unsent: { message: RoomMessage; author: RoomAuthor }[] = [];
  private broadcastAt = 0;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(
      "create table if not exists messages (seq integer primary key, client_id text not null, user_id text not null, display_name text not null, body text not null, at integer not null, deleted_seq integer)",
    );
    sql.exec("create unique index if not exists messages_client_idx on messages (user_id, client_id)");
    sql.exec(
      "create index if not exists messages_deleted_idx on messages (deleted_seq) where deleted_seq is not null",
    );
    sql.exec("create table if not exists meta (key text primary key, value integer not null)");
    sql.exec("create table if not exists mutes (user_id text primary key, until integer not null)");
    sql.exec("create table if not exists reads (user_id text primary key, up_to integer not null)");
    sql.exec(
      "create table if not exists people (n integer primary key, user_id text not null unique, display_name text not null)",
    );
    // The message token bucket is the person's, not the socket's: more tabs must not mean more messages.
    sql.exec(
      "create table if not exists buckets (user_id text primary key, tokens real not null, refilled_at integer not null)",
    );
    // Rooms that stored messages before authors were numbered: number everyone who has written, once.
    if (this.meta("people") === null) {
      sql.exec(
        "insert or ignore into people (user_id, display_name) select user_id, display_name from messages group by user_id",
      );
      this.setMeta("people", 1);
    }
    // `sent` is the last message seq the sockets were sent. The sockets outlive an instance evicted
    // with messages still waiting for their broadcast: the next instance sends them.
    const sent = this.meta("sent");
    if (sent === null) this.setMeta("sent", this.last());
    else {
      for (const row of sql.exec<MessageRow>(
        `select ${MESSAGE_COLUMNS} where m.seq > ? and m.deleted_seq is null order by m.seq`,
        sent,
      ))
        this.unsent.push({ message: toMessage(row), author: toAuthor(row) });
      if (this.unsent.length > 0) this.flushTimer = setTimeout(() => this.flush(), 0);
    }
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** An upgrade forwarded by the worker, with the identity it established. `?after=` resumes. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("expected a websocket", { status: 426 });
    const identity = this.identityOf(request);
    if (!identity) return new Response("no identity", { status: 400 });
    // Checked and accepted with no await between, so two upgrades at once cannot both take the last place.
    if (this.ctx.getWebSockets(identity.userId).length >= SOCKETS_PER_PERSON)
      return new Response("too many sockets", { status: 429, headers: { "retry-after": "5" } });
    const afterParam = new URL(request.url).searchParams.get("after");
    const after = afterParam === null ? null : Number(afterParam);
    if (after !== null && !(Number.isSafeInteger(after) && after >= 0))
      return new Response("bad cursor", { status: 400 });

    // The socket goes live at the room's cursor, so the others must have every message up to it
    // first: a message still waiting would reach this socket twice (in its replay, then live).
    this.flush();
    this.syncMute(identity.userId, identity.mutedUntil);
    this.syncWritable(identity.writableUntil);
    const online = this.onlineNow();
    const last = this.last();
    const now = Date.now();
    const state: SocketState = {
      sid: crypto.randomUUID(),
      roomId: identity.roomId,
      userId: identity.userId,
      displayName: identity.displayName,
      role: identity.role,
      moderator: identity.moderator,
      since: last,
      floor: last + 1,
      typingAt: 0,
    };
    const replay = after === null ? this.page(last + 1, REPLAY_ON_JOIN) : null;
    if (replay) state.floor = replay.messages[0]?.seq ?? last + 1;
    else if (after !== null) state.floor = Math.min(after + 1, last + 1);
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.joins += 1;
    const tags = [identity.userId, ...(identity.sessionId ? [sessionTag(identity.sessionId)] : [])];
    this.ctx.acceptWebSocket(server, tags);
    server.serializeAttachment(state);
    this.arrive(online, state);

    // From here to the return nothing awaits, so no message can slip between the replay and going live.
    const mutedUntil = this.mutedUntil(identity.userId, now);
    send(server, {
      type: "welcome",
      you: {
        userId: identity.userId,
        displayName: identity.displayName,
        role: identity.role,
        moderator: identity.moderator,
        readUpTo: this.readUpTo(identity.userId),
      },
      last,
      online: online.size,
      members: [...online].slice(0, MEMBERS_SAMPLE).map(([userId, v]) => ({
        userId,
        displayName: v.displayName,
      })),
      muted: mutedUntil !== null,
      mutedUntil,
      readOnly: this.readOnly(now),
    });
    if (replay) {
      send(server, { type: "history", ...replay });
    } else if (after !== null) {
      this.replay(server, after, last, last);
      send(server, { type: "caught-up", last });
    }
    await this.schedulePresence();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const state = ws.deserializeAttachment() as SocketState | null;
    if (!state) {
      ws.close(1011, "lost state");
      return;
    }
    if (typeof raw !== "string" || raw.length > MAX_FRAME_CHARS) {
      fail(ws, typeof raw === "string" ? "too-long" : "bad-frame", "Frames are JSON text.");
      return;
    }
    let parsed: ReturnType<typeof ClientFrame.safeParse>;
    try {
      parsed = ClientFrame.safeParse(JSON.parse(raw));
    } catch {
      fail(ws, "bad-frame", "Frames are JSON.");
      return;
    }
    if (!parsed.success) {
      fail(ws, "bad-frame", parsed.error.issues[0]?.message ?? "Unknown frame.");
      return;
    }
    const frame = parsed.data;
    switch (frame.type) {
      case "resume":
        // `caught-up` names the cursor, so everything up to it goes out first.
        this.flush();
        // This socket already has every live message from `floor` on (the join's replay, then live
        // frames): only older ones, and deletions it has not heard of, are sent. Each message once.
        this.replay(ws, frame.after, Math.min(state.since, state.floor - 1), state.since);
        send(ws, { type: "caught-up", last: this.last() });
        return;
      case "message":
        this.receive(ws, state, frame.id, frame.body);
        return;
      case "typing":
        this.typing(ws, state);
        return;
      case "read":
        this.markRead(ws, state, frame.upTo);
        return;
      case "delete":
        this.remove(ws, state, frame.seq);
        return;
      case "history":
        // A page may reach past this socket's live messages; clients take its seqs as their cursor.
        this.flush();
        send(ws, { type: "history", ...this.page(frame.before, frame.limit) });
        return;
      default: {
        const unknown: never = frame;
        throw new Error(`unhandled frame ${JSON.stringify(unknown)}`);
      }
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.depart(ws);
    try {
      ws.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // Already closed.
    }
    await this.schedulePresence();
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.depart(ws);
    await this.schedulePresence();
  }

  /** Sends one coalesced presence frame for every arrival and departure of the last second. */
  override async alarm(): Promise<void> {
    this.presenceScheduled = false;
    this.online = null;
    const count = this.onlineNow().size;
    const [joined, left] = [this.joined, this.left];
    this.joined = [];
    this.left = [];
    const sent = this.meta("presence");
    if (count === sent && joined.length === 0 && left.length === 0) return;
    this.setMeta("presence", count);
    this.broadcast({
      type: "presence",
      count,
      ...(joined.length > 0 && joined.length <= PRESENCE_NAMES ? { joined } : {}),
      ...(left.length > 0 && left.length <= PRESENCE_NAMES ? { left } : {}),
    });
  }

  // RPC, for the worker.

  /** The room's live numbers for room lists. */
  async stats(): Promise<{ online: number; lastMessageAt: number | null }> {
    const [row] = this.ctx.storage.sql
      .exec<{ at: number }>("select at from messages where deleted_seq is null order by seq desc limit 1")
      .toArray();
    return { online: this.onlineNow().size, lastMessageAt: row?.at ?? null };
  }

  /** Applies a mute set in D1 at once (`until` in the past lifts it). Joins also carry it. */
  async mute(userId: string, until: number | null): Promise<void> {
    this.syncMute(userId, until);
  }

  /**
   * Applies a change of the room's writing window at once (an invitation cancelled, declined,
   * accepted or completed), telling every open socket; joins also carry it.
   */
  async restrict(writableUntil: number | null): Promise<void> {
    const was = this.readOnly(Date.now());
    this.syncWritable(writableUntil);
    const now = this.readOnly(Date.now());
    if (now !== was) this.broadcast({ type: "read-only", readOnly: now });
  }

  /**
   * Ends these people's live connections (a block between the two of a direct room). Their clients
   * reconnect, and the worker, which checks who may join, refuses them.
   */
  async disconnect(userIds: string[]): Promise<number> {
    let closed = 0;
    for (const userId of userIds)
      for (const ws of this.ctx.getWebSockets(userId)) {
        ws.close(4403, "no longer allowed here");
        closed += 1;
      }
    return closed;
  }

  /** Ends the sockets of these sessions (signed out, or ended by a password change or reset). */
  async closeSessions(sessionIds: string[]): Promise<number> {
    let closed = 0;
    for (const sessionId of sessionIds)
      for (const ws of this.ctx.getWebSockets(sessionTag(sessionId))) {
        ws.close(SESSION_ENDED, "signed out");
        closed += 1;
      }
    return closed;
  }

  /** Posts on someone's behalf (an accepted message request's text); idempotent on `id`. */
  async post(input: { id: string; userId: string; displayName: string; body: string }): Promise<RoomMessage> {
    const existing = this.byClientId(input.userId, input.id);
    if (existing) return existing;
    const author = this.author(input.userId, input.displayName);
    const message = this.store(input.id, author, input.body);
    this.announce(message, author);
    return message;
  }

  // Frames.

  private receive(ws: WebSocket, state: SocketState, id: string, text: string) {
    const body = text.trim();
    if (!body) return fail(ws, "empty", "Write something first.");
    if ([...body].length > MAX_MESSAGE_CHARS)
      return fail(ws, "too-long", `Messages are at most ${MAX_MESSAGE_CHARS} characters.`);
    // A resend (the ack was lost) is acked again, whatever the limits say now.
    const existing = this.byClientId(state.userId, id);
    if (existing) return send(ws, { type: "ack", id, seq: existing.seq });
    const now = Date.now();
    if (this.readOnly(now)) return fail(ws, "read-only", "This conversation is closed: it is read-only now.");
    if (this.mutedUntil(state.userId, now) !== null) return fail(ws, "muted", "You are muted in this room.");
    const retryAfter = this.spendToken(state.userId, now);
    if (retryAfter !== null)
      return fail(ws, "rate-limited", `Slow down: try again in ${retryAfter} s.`, retryAfter);
    const author = this.author(state.userId, state.displayName);
    const message = this.store(id, author, body);
    this.announce(message, author);
    send(ws, { type: "ack", id, seq: message.seq });
  }

  /**
   * Takes one token from the person's bucket (kept in the object's SQLite, so it outlives
   * hibernation and eviction): null when there was one, else the seconds until there is.
   */
  private spendToken(userId: string, now: number): number | null {
    const sql = this.ctx.storage.sql;
    const perMs = RATE_LIMIT.perSecond / 1000;
    const [row] = sql
      .exec<{ tokens: number; refilled_at: number }>(
        "select tokens, refilled_at from buckets where user_id = ?",
        userId,
      )
      .toArray();
    let tokens = row
      ? Math.min(RATE_LIMIT.burst, row.tokens + Math.max(0, now - row.refilled_at) * perMs)
      : RATE_LIMIT.burst;
    const refused = tokens < 1;
    if (!refused) tokens -= 1;
    sql.exec(
      "insert into buckets (user_id, tokens, refilled_at) values (?, ?, ?) on conflict(user_id) do update set tokens = excluded.tokens, refilled_at = excluded.refilled_at",
      userId,
      tokens,
      now,
    );
    return refused ? Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) : null;
  }

  private typing(ws: WebSocket, state: SocketState) {
    const now = Date.now();
    if (now - state.typingAt < TYPING_EVERY_MS) return;
    state.typingAt = now;
    ws.serializeAttachment(state);
    this.broadcast(
      { type: "typing", userId: state.userId, displayName: state.displayName },
      new Set(this.ctx.getWebSockets(state.userId)),
    );
  }

  private markRead(ws: WebSocket, state: SocketState, upTo: number) {
    const seq = Math.min(upTo, this.last());
    const [row] = this.ctx.storage.sql
      .exec<{ up_to: number }>(
        "insert into reads (user_id, up_to) values (?, ?) on conflict(user_id) do update set up_to = max(up_to, excluded.up_to) returning up_to",
        state.userId,
        seq,
      )
      .toArray();
    // Read receipts are for two; in a busy room they would be a broadcast per reader.
    if (state.roomId.startsWith("dm:") && row?.up_to === seq && seq > 0)
      this.broadcast({ type: "read", userId: state.userId, upTo: seq }, new Set([ws]));
  }

  private remove(ws: WebSocket, state: SocketState, seq: number) {
    const [row] = this.ctx.storage.sql
      .exec<{ user_id: string }>("select user_id from messages where seq = ? and deleted_seq is null", seq)
      .toArray();
    if (!row) return fail(ws, "not-found", "No such message.");
    if (row.user_id !== state.userId && !state.moderator)
      return fail(ws, "forbidden", "Only its author or a moderator may delete a message.");
    // The body goes; the row stays so a resend of its id is still recognised.
    this.ctx.storage.sql.exec(
      "update messages set body = '', deleted_seq = ? where seq = ?",
      this.nextSeq(),
      seq,
    );
    // The message goes out before its deletion, if it was still waiting.
    this.flush();
    this.broadcast({ type: "deleted", seq });
  }

  // Storage.

  /** `id` is the sender's id for the message; `author` is numbered already. */
  private store(id: string, author: RoomAuthor, body: string): RoomMessage {
    const message: RoomMessage = { seq: this.nextSeq(), by: author.n, at: Date.now(), body };
    this.ctx.storage.sql.exec(
      "insert into messages (seq, client_id, user_id, display_name, body, at) values (?, ?, ?, ?, ?, ?)",
      message.seq,
      id,
      author.userId,
      author.displayName,
      message.body,
      message.at,
    );
    return message;
  }

  /** The author's number in this room, given on their first message; their name is kept current. */
  private author(userId: string, displayName: string): RoomAuthor {
    const known = this.authors.get(userId);
    if (known?.displayName === displayName) return known;
    const [row] = this.ctx.storage.sql
      .exec<{ n: number }>(
        "insert into people (user_id, display_name) values (?, ?) on conflict(user_id) do update set display_name = excluded.display_name returning n",
        userId,
        displayName,
      )
      .toArray();
    if (!row) throw new Error("no author number");
    const author = { n: row.n, userId, displayName };
    this.authors.set(userId, author);
    return author;
  }

  /**
   * Sends a new message to every socket: at once when the room's last broadcast is a window
   * (`BROADCAST_EVERY_MS`) old, else with the others of its window when that ends. A busy room then
   * pays one send per socket per window, not per message. The sender's ack does not wait.
   */
  private announce(message: RoomMessage, author: RoomAuthor) {
    this.unsent.push({ message, author });
    if (this.flushTimer !== null) return;
    const wait = this.broadcastAt + BROADCAST_EVERY_MS - Date.now();
    // A pending timer keeps the instance awake, so the window ends on time; `sent` covers eviction.
    if (wait > 0) this.flushTimer = setTimeout(() => this.flush(), wait);
    else this.flush();
  }

  /** Broadcasts the waiting messages, serialised once: one as a `message`, more as a `messages`. */
  private flush() {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.unsent;
    const newest = batch.at(-1);
    if (!newest) return;
    this.unsent = [];
    this.broadcastAt = Date.now();
    const items = batch.map(({ message, author }) => this.introduce(message, author));
    const [only] = items;
    this.broadcast(items.length === 1 && only ? { type: "message", ...only } : { type: "messages", items });
    this.setMeta("sent", newest.message.seq);
  }

  /**
   * The message as it goes out live. The author's name comes along when a socket joined since they
   * were last introduced, or their name changed; otherwise every socket knows their number.
   */
  private introduce(message: RoomMessage, author: RoomAuthor): LiveMessage {
    const known = this.introduced.get(author.n);
    if (known && known.joins >= this.joins && known.displayName === author.displayName) return message;
    this.introduced.set(author.n, { joins: this.joins, displayName: author.displayName });
    return { ...message, who: { userId: author.userId, displayName: author.displayName } };
  }

  private byClientId(userId: string, id: string): RoomMessage | null {
    const [row] = this.ctx.storage.sql
      .exec<MessageRow>(`select ${MESSAGE_COLUMNS} where m.user_id = ? and m.client_id = ?`, userId, id)
      .toArray();
    return row ? toMessage(row) : null;
  }

  /** Live messages before `before`, oldest first, their authors, and whether older ones exist. */
  private page(
    before: number,
    limit: number,
  ): { messages: RoomMessage[]; people: RoomAuthor[]; more: boolean } {
    const rows = this.ctx.storage.sql
      .exec<MessageRow>(
        `select ${MESSAGE_COLUMNS} where m.seq < ? and m.deleted_seq is null order by m.seq desc limit ?`,
        before,
        limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit).reverse();
    const people = new Map(page.map((row) => [row.n, toAuthor(row)]));
    return { messages: page.map(toMessage), people: [...people.values()], more: rows.length > limit };
  }

  /**
   * What a client at cursor `after` missed: the deletions, up to `deletionsUpTo`, of messages it
   * has, then the live messages up to `messagesUpTo`, in seq order.
   */
  private replay(ws: WebSocket, after: number, messagesUpTo: number, deletionsUpTo: number) {
    const sql = this.ctx.storage.sql;
    if (deletionsUpTo > after)
      for (const row of sql.exec<{ seq: number }>(
        "select seq from messages where deleted_seq > ? and deleted_seq <= ? and seq <= ? order by deleted_seq",
        after,
        deletionsUpTo,
        after,
      ))
        send(ws, { type: "deleted", seq: row.seq });
    if (messagesUpTo <= after) return;
    // Each author's name comes with their first message here: this socket may not know them.
    const named = new Set<number>();
    for (const row of sql.exec<MessageRow>(
      `select ${MESSAGE_COLUMNS} where m.seq > ? and m.seq <= ? and m.deleted_seq is null order by m.seq`,
      after,
      messagesUpTo,
    )) {
      if (named.has(row.n)) send(ws, { type: "message", ...toMessage(row) });
      else {
        named.add(row.n);
        send(ws, {
          type: "message",
          ...toMessage(row),
          who: { userId: row.user_id, displayName: row.display_name },
        });
      }
    }
  }

  private nextSeq(): number {
    const [row] = this.ctx.storage.sql
      .exec<{ value: number }>(
        "insert into meta (key, value) values ('seq', 1) on conflict(key) do update set value = value + 1 returning value",
      )
      .toArray();
    if (!row) throw new Error("no seq");
    return row.value;
  }

  private last(): number {
    return this.meta("seq") ?? 0;
  }

  private meta(key: string): number | null {
    const [row] = this.ctx.storage.sql
      .exec<{ value: number }>("select value from meta where key = ?", key)
      .toArray();
    return row?.value ?? null;
  }

  private setMeta(key: string, value: number) {
    this.ctx.storage.sql.exec(
      "insert into meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value",
      key,
      value,
    );
  }

  private syncMute(userId: string, until: number | null) {
    if (until !== null && until > Date.now())
      this.ctx.storage.sql.exec(
        "insert into mutes (user_id, until) values (?, ?) on conflict(user_id) do update set until = excluded.until",
        userId,
        until,
      );
    else this.ctx.storage.sql.exec("delete from mutes where user_id = ?", userId);
  }

  private syncWritable(until: number | null) {
    if (until === null) this.ctx.storage.sql.exec("delete from meta where key = 'writable_until'");
    else this.setMeta("writable_until", until);
  }

  private readOnly(now: number): boolean {
    const until = this.meta("writable_until");
    return until !== null && now >= until;
  }

  private mutedUntil(userId: string, now: number): number | null {
    const [row] = this.ctx.storage.sql
      .exec<{ until: number }>("select until from mutes where user_id = ?", userId)
      .toArray();
    return row && row.until > now ? row.until : null;
  }

  private readUpTo(userId: string): number {
    const [row] = this.ctx.storage.sql
      .exec<{ up_to: number }>("select up_to from reads where user_id = ?", userId)
      .toArray();
    return row?.up_to ?? 0;
  }

  // Presence.

  /** Who is online: kept in memory as sockets come and go, rebuilt from the attachments when lost. */
  private onlineNow(exclude?: WebSocket) {
    if (this.online) return this.online;
    const online = new Map<string, { displayName: string; sockets: number }>();
    // Sockets already counted out may still be listed while they close; the rest can be forgotten.
    const stillGone = new Set<string>();
    for (const ws of this.ctx.getWebSockets()) {
      // A closing socket still counts until its close event (`depart`) counts it out.
      if (ws === exclude) continue;
      const state = ws.deserializeAttachment() as SocketState | null;
      if (!state) continue;
      if (this.gone.has(state.sid)) {
        stillGone.add(state.sid);
        continue;
      }
      const entry = online.get(state.userId);
      if (entry) entry.sockets += 1;
      else online.set(state.userId, { displayName: state.displayName, sockets: 1 });
    }
    this.gone = stillGone;
    this.online = online;
    return online;
  }

  private arrive(online: Map<string, { displayName: string; sockets: number }>, state: SocketState) {
    const entry = online.get(state.userId);
    if (entry) {
      entry.sockets += 1;
      return;
    }
    online.set(state.userId, { displayName: state.displayName, sockets: 1 });
    if (this.joined.length <= PRESENCE_NAMES)
      this.joined.push({ userId: state.userId, displayName: state.displayName });
  }

  /** A socket closed or failed: counted once, whichever event comes (or both). */
  private depart(ws: WebSocket) {
    const state = ws.deserializeAttachment() as SocketState | null;
    if (!state || this.gone.has(state.sid)) return;
    const known = this.online !== null;
    const online = this.onlineNow(ws);
    this.gone.add(state.sid);
    const entry = online.get(state.userId);
    if (!entry) {
      if (!known) this.noteLeft(state);
      return;
    }
    // A freshly rebuilt map already left this socket out.
    if (known) entry.sockets -= 1;
    if (entry.sockets <= 0) {
      online.delete(state.userId);
      this.noteLeft(state);
    }
  }

  private noteLeft(state: SocketState) {
    if (this.left.length <= PRESENCE_NAMES)
      this.left.push({ userId: state.userId, displayName: state.displayName });
  }

  /** Coalesces presence: the first change in a quiet room sets an alarm a second away; later ones ride on it. */
  private async schedulePresence() {
    if (this.presenceScheduled) return;
    this.presenceScheduled = true;
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + PRESENCE_EVERY_MS);
  }

  private broadcast(frame: ServerFrame, skip?: Set<WebSocket>) {
    const text = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) {
      if (skip?.has(ws)) continue;
      try {
        ws.send(text);
      } catch {
        // A socket closing under us; its close event tidies up.
      }
    }
  }

  private identityOf(request: Request): RoomIdentity | null {
    const raw = request.headers.get(ROOM_IDENTITY_HEADER);
    if (!raw) return null;
    try {
      const parsed = RoomIdentity.safeParse(JSON.parse(decodeURIComponent(raw)));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}

function send(ws: WebSocket, frame: ServerFrame) {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // The socket is closing; the client resumes from its cursor.
  }
}

function fail(ws: WebSocket, code: RoomErrorCode, message: string, retryAfter?: number) {
  send(ws, { type: "error", code, message, ...(retryAfter === undefined ? {} : { retryAfter }) });
}
