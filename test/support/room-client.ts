import { SELF } from "cloudflare:test";
import type { ClientFrame, ServerFrame, ServerFrameOf } from "../../worker/src/realtime/room-protocol";
import { ORIGIN } from "./http";

type FrameType = ServerFrame["type"];
type Author = { userId: string; displayName: string };
type Person = { id: string; cookie: string };

/**
 * A socket in a room that keeps every frame, so a test waits for the frame it means, not for time.
 * A `messages` frame is kept as the `message` frames it stands for; `received` keeps frames as sent.
 */
export class RoomClient {
  readonly frames: ServerFrame[] = [];
  readonly received: ServerFrame[] = [];
  /** Authors by their number in the room, as this socket was told them. */
  readonly people = new Map<number, Author>();
  pongs = 0;
  private wake = new Set<() => void>();

  constructor(
    readonly ws: WebSocket,
    readonly person?: Person,
  ) {
    ws.addEventListener("message", (event) => {
      const data = String(event.data);
      if (data === "pong") this.pongs += 1;
      else {
        const frame = JSON.parse(data) as ServerFrame;
        this.received.push(frame);
        if (frame.type === "history") for (const { n, ...who } of frame.people) this.people.set(n, who);
        const frames: ServerFrame[] =
          frame.type === "messages" ? frame.items.map((item) => ({ type: "message", ...item })) : [frame];
        for (const f of frames) if (f.type === "message" && f.who) this.people.set(f.by, f.who);
        this.frames.push(...frames);
      }
      for (const wake of this.wake) wake();
    });
  }

  send(frame: ClientFrame | "ping") {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  say(body: string, id: string = crypto.randomUUID()) {
    this.send({ type: "message", id, body });
    return id;
  }

  of<T extends FrameType>(type: T): ServerFrameOf<T>[] {
    return this.frames.filter((f): f is ServerFrameOf<T> => f.type === type);
  }

  /** The first frame of `type` (in arrival order) that `match` accepts; waits for it if need be. */
  until<T extends FrameType>(
    type: T,
    match: (frame: ServerFrameOf<T>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerFrameOf<T>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.of(type).find(match);
        if (!found) return false;
        this.wake.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.wake.delete(check);
        reject(new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`));
      }, timeoutMs);
      if (!check()) this.wake.add(check);
    });
  }

  /** Waits until `n` frames of `type` have arrived. */
  async count<T extends FrameType>(type: T, n: number): Promise<ServerFrameOf<T>[]> {
    await this.until(type, () => this.of(type).length >= n);
    return this.of(type);
  }

  ack(id: string) {
    return this.until("ack", (a) => a.id === id);
  }

  seqs() {
    return this.of("message").map((m) => m.seq);
  }

  bodies() {
    return this.of("message").map((m) => m.body);
  }

  /** The live message stored under `seq`, once it arrives. */
  heard(seq: number) {
    return this.until("message", (m) => m.seq === seq);
  }

  /** Who wrote `message`, by the names this socket was given; throws if it never was. */
  author(message: { by: number }): Author {
    const who = this.people.get(message.by);
    if (!who) throw new Error(`author ${message.by} was never introduced`);
    return who;
  }

  close() {
    this.ws.close(1000);
  }
}

/** The upgrade request a page's socket sends. */
export function openRoom(cookie: string, roomId: string) {
  return SELF.fetch(`${ORIGIN}/api/rooms/${roomId}/ws`, {
    headers: { upgrade: "websocket", origin: ORIGIN, cookie },
  });
}

/** Joins a room and waits for its welcome. */
export async function joinRoom(cookie: string, roomId: string): Promise<RoomClient> {
  const response = await openRoom(cookie, roomId);
  if (response.status !== 101) throw new Error(`join ${roomId}: ${response.status} ${await response.text()}`);
  const ws = response.webSocket;
  if (!ws) throw new Error("no socket");
  const client = new RoomClient(ws);
  ws.accept();
  await client.until("welcome");
  return client;
}
