import { useEffect, useRef } from "react";
import type { InboxFrame } from "./api-types";
import { closedForSessionEnd, sessionLive } from "./session-ended";

const PING_MS = 25_000;

/**
 * Keeps the signed-in user's inbox WebSocket open while the component is mounted and hands every
 * frame to `onFrame`. It reconnects with a growing pause (at most 15 s) after a drop (the server's
 * hello frame then replays what was missed) and pings so idle proxies keep it open; pings cost the
 * Durable Object nothing (answered without waking it). A close for an ended session is final: the
 * page says so (session-ended.ts) instead of knocking on with a dead cookie.
 */
export function useInbox(onFrame: (frame: InboxFrame) => void, enabled = true): void {
  const handler = useRef(onFrame);
  handler.current = onFrame;
  useEffect(() => {
    if (!enabled) return;
    let socket: WebSocket | null = null;
    let closed = false;
    let retryMs = 500;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    const connect = () => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${location.host}/api/inbox`);
      socket.addEventListener("open", () => {
        retryMs = 500;
        sessionLive();
        ping = setInterval(() => socket?.send("ping"), PING_MS);
      });
      socket.addEventListener("message", (event) => {
        if (event.data === "pong") return;
        try {
          handler.current(JSON.parse(String(event.data)) as InboxFrame);
        } catch {
          // Not a frame we know: ignore it.
        }
      });
      socket.addEventListener("close", (event) => {
        clearInterval(ping);
        if (closed || closedForSessionEnd(event)) return;
        retry = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, 15_000);
      });
    };
    connect();
    return () => {
      closed = true;
      clearTimeout(retry);
      clearInterval(ping);
      socket?.close(1000);
    };
  }, [enabled]);
}
