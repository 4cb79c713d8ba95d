import { useSyncExternalStore } from "react";
import { SESSION_ENDED } from "../../../worker/src/realtime/session-sockets";

/**
 * Whether this page's session ended while it was open (sign-out in another tab, a password change
 * or reset): the server closes the inbox and room sockets with SESSION_ENDED. Each socket that sees
 * it stops reconnecting and says so here, so the page shows one notice however many sockets it had;
 * a socket that opens again proves a live session and clears it.
 */
let ended = false;
const listeners = new Set<() => void>();

function set(value: boolean) {
  if (ended === value) return;
  ended = value;
  for (const listener of listeners) listener();
}

/** Called from a socket's close event: true (and the page told) when the session ended. */
export function closedForSessionEnd(event: CloseEvent): boolean {
  if (event.code !== SESSION_ENDED) return false;
  set(true);
  return true;
}

export const sessionLive = () => set(false);

export function useSessionEnded(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => ended,
    () => false,
  );
}
