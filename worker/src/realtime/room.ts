import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { ADAPTIVE, FIXED_40_MS, MessageBroadcast } from "./room/broadcast";
import { type Clock, wallClock } from "./room/clock";
import { PostingLimits } from "./room/limits";
import { MessageLog } from "./room/log";
import { membersSample, Presence } from "./room/presence";
import { closeBack, fail, identityOf, RoomSockets, type SocketState, send, stateOf } from "./room/sockets";
import {
  ClientFrame,
  MAX_MESSAGE_CHARS,
  REPLAY_ON_JOIN,
  type RoomErrorCode,
  type RoomMessage,
} from "./room-protocol";
import { SESSION_ENDED, sessionTag } from "./session-sockets";

// Other domains and the worker's upgrade route import these from here.
export { encodeIdentity, ROOM_IDENTITY_HEADER, RoomIdentity } from "./room/sockets";

export function roomOf(env: Env, roomId: string) {
  return env.ROOMS.get(env.ROOMS.idFromName(roomId));
}

/** Longest raw frame read; a valid one is far shorter. */
const MAX_FRAME_CHARS = 4 * MAX_MESSAGE_CHARS + 512;

/**
 * One per room (campus, topic, club, direct). Every socket hibernates here. The parts, each in
 * `room/`: the sockets and what they carry through hibernation, the message log in the object's
 * SQLite, the live broadcast of new messages, presence, and the limits on posting. This class takes
 * the upgrades, frames and calls, and puts them in order.
 */
export class Room extends DurableObject<Env> {
  /** Read through by every part; a test may replace `now` to move time on instead of waiting. */
  private readonly clock: Clock = wallClock();
  private readonly sockets: RoomSockets;
  private readonly log: MessageLog;
  private readonly limits: PostingLimits;
  private readonly broadcast: MessageBroadcast;
  private readonly presence: Presence;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sockets = new RoomSockets(ctx);
    this.log = new MessageLog(ctx.storage.sql, this.clock);
    this.limits = new PostingLimits(ctx.storage.sql, this.log);
    // `ROOM_BROADCAST=fixed`: the old fixed 40 ms window, for bench/rooms.ts's baseline only.
    const fixed = env.ROOM_BROADCAST === "fixed" && env.APP_ENV !== "production";
    this.broadcast = new MessageBroadcast(
      this.log,
      this.sockets,
      this.clock,
      ctx.storage,
      fixed ? FIXED_40_MS : ADAPTIVE,
    );
    this.presence = new Presence(ctx.storage, this.log, this.sockets);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** An upgrade forwarded by the worker, with the identity it established. `?after=` resumes. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade") !== "websocket")
      return new Response("expected a websocket", { status: 426 });
    const identity = identityOf(request);
    if (!identity) return new Response("no identity", { status: 400 });
    // Checked and accepted with no await between, so two upgrades at once cannot both take the last place.
    if (this.sockets.full(identity.userId))
      return new Response("too many sockets", { status: 429, headers: { "retry-after": "5" } });
    const afterParam = new URL(request.url).searchParams.get("after");
    const after = afterParam === null ? null : Number(afterParam);
    if (after !== null && !(Number.isSafeInteger(after) && after >= 0))
      return new Response("bad cursor", { status: 400 });

    // The socket goes live at the room's cursor, so the others must have every message up to it
    // first: a message still waiting would reach this socket twice (in its replay, then live).
    this.broadcast.flush();
    const now = this.clock.now();
    this.limits.mute(identity.userId, identity.mutedUntil, now);
    this.limits.writableUntil(identity.writableUntil);
    const online = this.presence.now();
    const last = this.log.last();
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
    const replay = after === null ? this.log.page(last + 1, REPLAY_ON_JOIN) : null;
    if (replay) state.floor = replay.messages[0]?.seq ?? last + 1;
    else if (after !== null) state.floor = Math.min(after + 1, last + 1);
    this.broadcast.joined();
    const { client, server } = this.sockets.accept(identity, state);
    this.presence.arrive(online, state);

    // From here to the return nothing awaits, so no message can slip between the replay and going live.
    const mutedUntil = this.limits.mutedUntil(identity.userId, now);
    send(server, {
      type: "welcome",
      you: {
        userId: identity.userId,
        displayName: identity.displayName,
        role: identity.role,
        moderator: identity.moderator,
        readUpTo: this.log.readUpTo(identity.userId),
      },
      last,
      online: online.size,
      members: membersSample(online),
      muted: mutedUntil !== null,
      mutedUntil,
      readOnly: this.limits.readOnly(now),
    });
    if (replay) {
      send(server, { type: "history", ...replay });
    } else if (after !== null) {
      for (const frame of this.log.missed(after, last, last)) send(server, frame);
      send(server, { type: "caught-up", last });
    }
    await this.presence.schedule();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const state = stateOf(ws);
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
        this.broadcast.flush();
        // This socket already has every live message from `floor` on (the join's replay, then live
        // frames): only older ones, and deletions it has not heard of, are sent. Each message once.
        for (const missed of this.log.missed(
          frame.after,
          Math.min(state.since, state.floor - 1),
          state.since,
        ))
          send(ws, missed);
        send(ws, { type: "caught-up", last: this.log.last() });
        return;
      case "message":
        this.receive(ws, state, frame.id, frame.body);
        await this.broadcast.armAlarm();
        return;
      case "typing":
        this.presence.typing(ws, state, this.clock.now());
        return;
      case "read":
        this.markRead(ws, state, frame.upTo);
        return;
      case "delete":
        this.remove(ws, state, frame.seq);
        return;
      case "history":
        // A page may reach past this socket's live messages; clients take its seqs as their cursor.
        this.broadcast.flush();
        send(ws, { type: "history", ...this.log.page(frame.before, frame.limit) });
        return;
      default: {
        const unknown: never = frame;
        throw new Error(`unhandled frame ${JSON.stringify(unknown)}`);
      }
    }
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    this.presence.depart(ws);
    closeBack(ws, code);
    await this.presence.schedule();
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.presence.depart(ws);
    await this.presence.schedule();
  }

  /**
   * Sends one coalesced presence frame for every arrival and departure of the last second, and any
   * messages still waiting for a broadcast whose instance was lost (room/broadcast.ts).
   */
  override async alarm(): Promise<void> {
    await this.broadcast.woke();
    this.presence.tell();
  }

  // RPC, for the worker.

  /** The room's live numbers for room lists. */
  async stats(): Promise<{ online: number; lastMessageAt: number | null }> {
    const lastMessageAt = this.log.lastMessageAt();
    return { online: this.presence.now().size, lastMessageAt };
  }

  /** Applies a mute set in D1 at once (`until` in the past lifts it). Joins also carry it. */
  async mute(userId: string, until: number | null): Promise<void> {
    this.limits.mute(userId, until, this.clock.now());
  }

  /**
   * Applies a change of the room's writing window at once (an invitation cancelled, declined,
   * accepted or completed), telling every open socket; joins also carry it.
   */
  async restrict(writableUntil: number | null): Promise<void> {
    const was = this.limits.readOnly(this.clock.now());
    this.limits.writableUntil(writableUntil);
    const now = this.limits.readOnly(this.clock.now());
    if (now !== was) this.sockets.broadcast({ type: "read-only", readOnly: now });
  }

  /**
   * Ends these people's live connections (a block between the two of a direct room). Their clients
   * reconnect, and the worker, which checks who may join, refuses them.
   */
  async disconnect(userIds: string[]): Promise<number> {
    return this.sockets.close(userIds, 4403, "no longer allowed here");
  }

  /** Ends the sockets of these sessions (signed out, or ended by a password change or reset). */
  async closeSessions(sessionIds: string[]): Promise<number> {
    return this.sockets.close(sessionIds.map(sessionTag), SESSION_ENDED, "signed out");
  }

  /** Posts on someone's behalf (an accepted message request's text); idempotent on `id`. */
  async post(input: { id: string; userId: string; displayName: string; body: string }): Promise<RoomMessage> {
    const existing = this.log.byClientId(input.userId, input.id);
    if (existing) return existing;
    const author = this.log.author(input.userId, input.displayName);
    const message = this.log.store(input.id, author, input.body);
    this.broadcast.announce(message, author);
    await this.broadcast.armAlarm();
    return message;
  }

  // Frames.

  private receive(ws: WebSocket, state: SocketState, id: string, text: string) {
    const body = text.trim();
    if (!body) return fail(ws, "empty", "Write something first.");
    if ([...body].length > MAX_MESSAGE_CHARS)
      return fail(ws, "too-long", `Messages are at most ${MAX_MESSAGE_CHARS} characters.`);
    // A resend (the ack was lost) is acked again, whatever the limits say now. The limits are read
    // from memory, so a new message pays one statement to be stored (and found new) and one for its
    // token; a resend is found by the lookup when refused now, by the insert when allowed.
    const now = this.clock.now();
    const refused = this.refusal(state.userId, now);
    if (refused) {
      const existing = this.log.byClientId(state.userId, id);
      if (existing) return send(ws, { type: "ack", id, seq: existing.seq });
      return fail(ws, refused.code, refused.message, refused.retryAfter);
    }
    const author = this.log.author(state.userId, state.displayName);
    const message = this.log.storeNew(id, author, body);
    if (!message) {
      const existing = this.log.byClientId(state.userId, id);
      if (existing) send(ws, { type: "ack", id, seq: existing.seq });
      return;
    }
    this.limits.spendToken(state.userId, now);
    this.broadcast.announce(message, author);
    send(ws, { type: "ack", id, seq: message.seq });
  }

  /** Why this person may not post now (nothing is spent), or null. */
  private refusal(
    userId: string,
    now: number,
  ): { code: RoomErrorCode; message: string; retryAfter?: number } | null {
    if (this.limits.readOnly(now))
      return { code: "read-only", message: "This conversation is closed: it is read-only now." };
    if (this.limits.mutedUntil(userId, now) !== null)
      return { code: "muted", message: "You are muted in this room." };
    const retryAfter = this.limits.tokenWait(userId, now);
    if (retryAfter !== null)
      return { code: "rate-limited", message: `Slow down: try again in ${retryAfter} s.`, retryAfter };
    return null;
  }

  private markRead(ws: WebSocket, state: SocketState, upTo: number) {
    const seq = Math.min(upTo, this.log.last());
    const upToNow = this.log.markRead(state.userId, seq);
    // Read receipts are for two; in a busy room they would be a broadcast per reader.
    if (state.roomId.startsWith("dm:") && upToNow === seq && seq > 0)
      this.sockets.broadcast({ type: "read", userId: state.userId, upTo: seq }, new Set([ws]));
  }

  private remove(ws: WebSocket, state: SocketState, seq: number) {
    const author = this.log.authorOf(seq);
    if (author === null) return fail(ws, "not-found", "No such message.");
    if (author !== state.userId && !state.moderator)
      return fail(ws, "forbidden", "Only its author or a moderator may delete a message.");
    this.log.delete(seq);
    // The message goes out before its deletion, if it was still waiting.
    this.broadcast.flush();
    this.sockets.broadcast({ type: "deleted", seq });
  }
}
