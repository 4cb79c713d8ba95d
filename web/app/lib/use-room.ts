import { useCallback, useEffect, useRef, useState } from "react";
import type {
  LiveMessage,
  RoomMessage,
  RoomPerson,
  ServerFrame,
  ServerFrameOf,
} from "../../../worker/src/realtime/room-protocol";
import { closedForSessionEnd, sessionLive } from "./session-ended";

/**
 * `unreachable`: several tries in a row failed before the socket opened. The page cannot tell why
 * (a refused upgrade, such as too many of this person's tabs in the room, looks like any network
 * failure), so it keeps trying. `ended`: the session ended; no more tries.
 */
export type RoomStatus = "connecting" | "live" | "offline" | "unreachable" | "ended";

/** A message with its author, looked up from the number the room sends. */
export type ShownMessage = RoomMessage & RoomPerson;

export interface RoomState {
  status: RoomStatus;
  you: ServerFrameOf<"welcome">["you"] | null;
  messages: ShownMessage[];
  /**
   * Sent but not yet shown, by client id: greyed until the room's broadcast brings them back (the
   * ack, with the stored `seq`, may come first).
   */
  pending: { id: string; body: string; seq?: number }[];
  online: number;
  members: RoomPerson[];
  typing: { userId: string; displayName: string; until: number }[];
  muted: boolean;
  /** Nobody may post any more (an expert–student room after its invitation ended); history stays. */
  readOnly: boolean;
  more: boolean;
  error: ServerFrameOf<"error"> | null;
}

const PING_MS = 25_000;
const MAX_RETRY_MS = 15_000;
/** Failed tries in a row before the page says it cannot connect. */
const FAILURES_SHOWN = 3;
const TYPING_SHOWN_MS = 3_000;
/** An author this page has not been told about (the room names each author before it needs to). */
const UNKNOWN: RoomPerson = { userId: "", displayName: "…" };

/**
 * One live room over a WebSocket: the welcome and the replay, then messages as they come. On a
 * drop it reconnects with a growing pause and resumes from the last seq it holds, so nothing is
 * missed and nothing shows twice; messages typed while offline are sent again on reconnect (the
 * room stores a resent id once). The pause grows to at most 15 s; a close for an ended session
 * stops it.
 */
export function useRoom(roomId: string) {
  const [state, setState] = useState<RoomState>({
    status: "connecting",
    you: null,
    messages: [],
    pending: [],
    online: 0,
    members: [],
    typing: [],
    muted: false,
    readOnly: false,
    more: false,
    error: null,
  });
  const socket = useRef<WebSocket | null>(null);
  const last = useRef(0);
  const unsent = useRef<{ id: string; body: string }[]>([]);
  /** Authors by the number the room gave them; kept across reconnects (the numbers are the room's). */
  const people = useRef(new Map<number, RoomPerson>());

  useEffect(() => {
    let closed = false;
    let retryMs = 500;
    /** Tries in a row that never opened. */
    let failures = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    const shown = (m: RoomMessage): ShownMessage => ({ ...m, ...(people.current.get(m.by) ?? UNKNOWN) });
    const apply = (frame: ServerFrame) => {
      // A `messages` frame reads as that many `message` frames.
      const live: LiveMessage[] =
        frame.type === "message" ? [frame] : frame.type === "messages" ? frame.items : [];
      // Authors first, so the messages of this frame find them.
      if (frame.type === "history")
        for (const { n, userId, displayName } of frame.people) people.current.set(n, { userId, displayName });
      for (const m of live) if (m.who) people.current.set(m.by, m.who);
      setState((s) => {
        switch (frame.type) {
          case "welcome":
            return {
              ...s,
              status: "live",
              you: frame.you,
              online: frame.online,
              members: frame.members,
              muted: frame.muted,
              readOnly: frame.readOnly,
            };
          case "history": {
            const known = new Set(s.messages.map((m) => m.seq));
            const merged = [
              ...frame.messages.filter((m) => !known.has(m.seq)).map(shown),
              ...s.messages,
            ].sort((a, b) => a.seq - b.seq);
            return { ...s, messages: merged, more: frame.more };
          }
          case "message":
          case "messages": {
            const known = new Set(s.messages.map((m) => m.seq));
            const fresh = live
              .filter((m) => !known.has(m.seq))
              .map((m) => shown({ seq: m.seq, by: m.by, at: m.at, body: m.body }));
            if (fresh.length === 0) return s;
            const seqs = new Set(fresh.map((m) => m.seq));
            const authors = new Set(fresh.map((m) => m.userId));
            return {
              ...s,
              messages: [...s.messages, ...fresh].sort((a, b) => a.seq - b.seq),
              // The sender's pending copy, acked already, gives way to the stored message.
              pending: s.pending.filter((p) => p.seq === undefined || !seqs.has(p.seq)),
              typing: s.typing.filter((t) => !authors.has(t.userId)),
            };
          }
          case "ack": {
            unsent.current = unsent.current.filter((p) => p.id !== frame.id);
            // The message itself may follow with the room's next broadcast: the copy stays till then.
            const arrived = s.messages.some((m) => m.seq === frame.seq);
            return {
              ...s,
              pending: arrived
                ? s.pending.filter((p) => p.id !== frame.id)
                : s.pending.map((p) => (p.id === frame.id ? { ...p, seq: frame.seq } : p)),
            };
          }
          case "typing":
            return {
              ...s,
              typing: [
                ...s.typing.filter((t) => t.userId !== frame.userId),
                { userId: frame.userId, displayName: frame.displayName, until: Date.now() + TYPING_SHOWN_MS },
              ],
            };
          case "presence":
            return { ...s, online: frame.count };
          case "deleted":
            return {
              ...s,
              messages: s.messages.filter((m) => m.seq !== frame.seq),
              pending: s.pending.filter((p) => p.seq !== frame.seq),
            };
          case "error":
            return {
              ...s,
              error: frame,
              pending: frame.code === "muted" || frame.code === "read-only" ? [] : s.pending,
              readOnly: s.readOnly || frame.code === "read-only",
            };
          case "read-only":
            return { ...s, readOnly: frame.readOnly };
          case "read":
          case "caught-up":
            return s;
          default:
            // Every frame type is handled above; a frame this page does not know changes nothing.
            frame satisfies never;
            return s;
        }
      });
      // The cursor a reconnect resumes from: the newest seq this page holds.
      for (const m of live) last.current = Math.max(last.current, m.seq);
      if (frame.type === "caught-up") last.current = Math.max(last.current, frame.last);
      if (frame.type === "history")
        for (const m of frame.messages) last.current = Math.max(last.current, m.seq);
    };
    const connect = () => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      // A reconnect asks for exactly what it missed (the room replays after the cursor, then goes live).
      const after = last.current > 0 ? `?after=${last.current}` : "";
      const ws = new WebSocket(
        `${scheme}://${location.host}/api/rooms/${encodeURIComponent(roomId)}/ws${after}`,
      );
      socket.current = ws;
      let opened = false;
      ws.addEventListener("open", () => {
        opened = true;
        retryMs = 500;
        failures = 0;
        sessionLive();
        // Messages typed while offline go again (the room stores a resent id once).
        for (const p of unsent.current) ws.send(JSON.stringify({ type: "message", id: p.id, body: p.body }));
        ping = setInterval(() => ws.send("ping"), PING_MS);
      });
      ws.addEventListener("message", (event) => {
        if (event.data === "pong") return;
        try {
          apply(JSON.parse(String(event.data)) as ServerFrame);
        } catch {
          // Not a frame we know: ignore it.
        }
      });
      ws.addEventListener("close", (event) => {
        clearInterval(ping);
        if (closed) return;
        if (closedForSessionEnd(event)) {
          setState((s) => ({ ...s, status: "ended" }));
          return;
        }
        if (!opened) failures++;
        setState((s) => ({ ...s, status: failures >= FAILURES_SHOWN ? "unreachable" : "offline" }));
        retry = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      });
    };
    connect();
    const offline = () => setState((s) => (s.status === "ended" ? s : { ...s, status: "offline" }));
    window.addEventListener("offline", offline);
    return () => {
      closed = true;
      clearTimeout(retry);
      clearInterval(ping);
      window.removeEventListener("offline", offline);
      socket.current?.close(1000);
    };
  }, [roomId]);

  const send = useCallback((body: string) => {
    const message = { id: crypto.randomUUID(), body };
    unsent.current.push(message);
    setState((s) => ({ ...s, pending: [...s.pending, message], error: null }));
    if (socket.current?.readyState === WebSocket.OPEN)
      socket.current.send(JSON.stringify({ type: "message", ...message }));
  }, []);
  const frame = useCallback((value: object) => {
    if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(JSON.stringify(value));
  }, []);
  return {
    state,
    send,
    typing: useCallback(() => frame({ type: "typing" }), [frame]),
    remove: useCallback((seq: number) => frame({ type: "delete", seq }), [frame]),
    older: useCallback((before: number) => frame({ type: "history", before, limit: 50 }), [frame]),
    read: useCallback((upTo: number) => frame({ type: "read", upTo }), [frame]),
  };
}
