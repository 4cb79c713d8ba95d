import { useEffect, useState } from "react";
import type { EventBlock } from "./api-types";

/** How often an open event page rereads its counts while the tab is visible. */
export const LIVE_COUNTS_EVERY_MS = 10_000;

type Counts = EventBlock["counts"];

/**
 * An event's RSVP counts kept live on an open page: the server-rendered counts first, then a small
 * read of the event (`GET /api/events/{id}`, the same visibility rule) every few seconds while the
 * tab is visible and the event is still ahead, and at once when the tab comes back. No JavaScript:
 * the counts are as rendered.
 */
export function useLiveCounts(noteId: string, initial: Counts, live: boolean): Counts {
  const [counts, setCounts] = useState(initial);
  useEffect(() => setCounts(initial), [initial]);
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    const read = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch(`/api/events/${encodeURIComponent(noteId)}`, {
          headers: { accept: "application/json" },
        });
        if (!response.ok || stopped) return;
        const body = (await response.json()) as { event?: { counts?: Counts } };
        if (body.event?.counts && !stopped) setCounts(body.event.counts);
      } catch {
        // Offline or a blip: the next tick tries again; the shown counts stay.
      }
    };
    const timer = setInterval(read, LIVE_COUNTS_EVERY_MS);
    document.addEventListener("visibilitychange", read);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", read);
    };
  }, [noteId, live]);
  return counts;
}
