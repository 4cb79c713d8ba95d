import { z } from "zod";
import { type RoomErrorCode, type ServerFrame, SOCKETS_PER_PERSON } from "../room-protocol";
import { sessionTag } from "../session-sockets";

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

export function encodeIdentity(identity: RoomIdentity): string {
  // Header values are bytes; names are not always Latin-1.
  return encodeURIComponent(JSON.stringify(identity));
}

export function identityOf(request: Request): RoomIdentity | null {
  const raw = request.headers.get(ROOM_IDENTITY_HEADER);
  if (!raw) return null;
  try {
    const parsed = RoomIdentity.safeParse(JSON.parse(decodeURIComponent(raw)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * What each socket carries through hibernation (`serializeAttachment`): the instance may be
 * evicted between any two frames, so nothing about a connection lives only in memory.
 */
export interface SocketState {
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

export const stateOf = (ws: WebSocket) => ws.deserializeAttachment() as SocketState | null;

/**
 * The room's hibernating sockets, tagged by person (for the per-person cap and typing) and by the
 * session that opened them (so ending a session closes them).
 */
export class RoomSockets {
  constructor(private readonly ctx: DurableObjectState) {}

  all(): WebSocket[] {
    return this.ctx.getWebSockets();
  }

  of(userId: string): WebSocket[] {
    return this.ctx.getWebSockets(userId);
  }

  /** Checked and accepted with no await between, so two upgrades at once cannot both take the last place. */
  full(userId: string): boolean {
    return this.of(userId).length >= SOCKETS_PER_PERSON;
  }

  /** Accepts the server end for hibernation with its state attached; returns the client's end. */
  accept(identity: RoomIdentity, state: SocketState): { client: WebSocket; server: WebSocket } {
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const tags = [identity.userId, ...(identity.sessionId ? [sessionTag(identity.sessionId)] : [])];
    this.ctx.acceptWebSocket(server, tags);
    server.serializeAttachment(state);
    return { client, server };
  }

  /** Closes every socket under each of these tags (user ids, session tags); returns how many. */
  close(tags: string[], code: number, reason: string): number {
    let closed = 0;
    for (const tag of tags)
      for (const ws of this.ctx.getWebSockets(tag)) {
        ws.close(code, reason);
        closed += 1;
      }
    return closed;
  }

  /** Sends one frame, serialised once, to every socket but `skip`; returns how many sockets the room has. */
  broadcast(frame: ServerFrame, skip?: Set<WebSocket>): number {
    const text = JSON.stringify(frame);
    const all = this.all();
    for (const ws of all) {
      if (skip?.has(ws)) continue;
      try {
        ws.send(text);
      } catch {
        // A socket closing under us; its close event tidies up.
      }
    }
    return all.length;
  }
}

/** Completes the closing handshake the client began (code 1005, none given, is answered as 1000). */
export function closeBack(ws: WebSocket, code: number) {
  try {
    ws.close(code === 1005 ? 1000 : code, "closing");
  } catch {
    // Already closed.
  }
}

export function send(ws: WebSocket, frame: ServerFrame) {
  try {
    ws.send(JSON.stringify(frame));
  } catch {
    // The socket is closing; the client resumes from its cursor.
  }
}

export function fail(ws: WebSocket, code: RoomErrorCode, message: string, retryAfter?: number) {
  send(ws, { type: "error", code, message, ...(retryAfter === undefined ? {} : { retryAfter }) });
}
