import { SELF } from "cloudflare:test";
import type { ClientFrame, ServerFrame, ServerFrameOf } from "../../worker/src/realtime/room-protocol";
import { ORIGIN } from "./http";

/**
 * A socket in a room that keeps every frame, so a test waits for the frame it means, not for time.
 * (A lean copy of the client in test/realtime/rooms.test.ts for tests that only need frames.)
 */
export class RoomClient {
  readonly frames: ServerFrame[] = [];
  private wake = new Set<() => void>();

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const data = String(event.data);
      if (data === "pong") return;
      const frame = JSON.parse(data) as ServerFrame;
      this.frames.push(
        ...(frame.type === "messages"
          ? frame.items.map((item) => ({ type: "message" as const, ...item }))
          : [frame]),
      );
      for (const wake of this.wake) wake();
    });
  }

  send(frame: ClientFrame) {
    this.ws.send(JSON.stringify(frame));
  }

  say(body: string, id: string = crypto.randomUUID()) {
    this.send({ type: "message", id, body });
    return id;
  }

  of<T extends ServerFrame["type"]>(type: T): ServerFrameOf<T>[] {
    return this.frames.filter((f): f is ServerFrameOf<T> => f.type === type);
  }

  /** The first frame of `type` that `match` accepts; waits for it if need be. */
  until<T extends ServerFrame["type"]>(
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
