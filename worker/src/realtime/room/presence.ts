import { PRESENCE_EVERY_MS, type RoomPerson, type ServerFrame, TYPING_EVERY_MS } from "../room-protocol";
import type { MessageLog } from "./log";
import { type RoomSockets, type SocketState, stateOf } from "./sockets";

/** Beyond this many names in one presence frame, only the count is sent. */
const PRESENCE_NAMES = 5;
const MEMBERS_SAMPLE = 12;

type Online = Map<string, { displayName: string; sockets: number }>;

/** A small sample of who is here, for a welcome. */
export function membersSample(online: Online): RoomPerson[] {
  return [...online].slice(0, MEMBERS_SAMPLE).map(([userId, v]) => ({ userId, displayName: v.displayName }));
}

/**
 * Who is here: a count per person kept in memory as sockets come and go (rebuilt from the socket
 * attachments after a wake-up), told to the room in one coalesced frame a second; and who is typing.
 */
export class Presence {
  /** Online users and their open sockets. */
  private online: Online | null = null;
  /** Who came and went since the last presence frame (names only; the count is recomputed). */
  private joined: RoomPerson[] = [];
  private left: RoomPerson[] = [];
  private gone = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly log: MessageLog,
    private readonly sockets: RoomSockets,
  ) {}

  /** Who is online: kept in memory as sockets come and go, rebuilt from the attachments when lost. */
  now(exclude?: WebSocket): Online {
    if (this.online) return this.online;
    const online: Online = new Map();
    // Sockets already counted out may still be listed while they close; the rest can be forgotten.
    const stillGone = new Set<string>();
    for (const ws of this.sockets.all()) {
      // A closing socket still counts until its close event (`depart`) counts it out.
      if (ws === exclude) continue;
      const state = stateOf(ws);
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

  /** A socket was accepted; `online` is the map taken before it was. */
  arrive(online: Online, state: SocketState) {
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
  depart(ws: WebSocket) {
    const state = stateOf(ws);
    if (!state || this.gone.has(state.sid)) return;
    const known = this.online !== null;
    const online = this.now(ws);
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
  async schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    // The alarm runs on the runtime's wall time, not the room's clock.
    if ((await this.storage.getAlarm()) === null) await this.storage.setAlarm(Date.now() + PRESENCE_EVERY_MS);
  }

  /** At the alarm: one presence frame for every arrival and departure since the last one. */
  tell() {
    this.scheduled = false;
    this.online = null;
    const count = this.now().size;
    const [joined, left] = [this.joined, this.left];
    this.joined = [];
    this.left = [];
    const sent = this.log.meta("presence");
    if (count === sent && joined.length === 0 && left.length === 0) return;
    this.log.setMeta("presence", count);
    this.sockets.broadcast({
      type: "presence",
      count,
      ...(joined.length > 0 && joined.length <= PRESENCE_NAMES ? { joined } : {}),
      ...(left.length > 0 && left.length <= PRESENCE_NAMES ? { left } : {}),
    });
  }

  /** Relays that this socket's person is typing to everyone else, at most once a `TYPING_EVERY_MS`. */
  typing(ws: WebSocket, state: SocketState, now: number) {
    if (now - state.typingAt < TYPING_EVERY_MS) return;
    state.typingAt = now;
    ws.serializeAttachment(state);
    const frame: ServerFrame = { type: "typing", userId: state.userId, displayName: state.displayName };
    this.sockets.broadcast(frame, new Set(this.sockets.of(state.userId)));
  }
}
