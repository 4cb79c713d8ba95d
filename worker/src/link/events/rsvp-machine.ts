import type { RsvpStatus } from "./schema";

/**
 * Every RSVP rule in one table (like pro/invitation-machine.ts), checked by a property test
 * (test/link/events/rsvp-machine.unit.test.ts). The write (services/rsvp-event.ts) does the same in SQL,
 * one statement each, inside one batch, so the counts stay exact under concurrency:
 *
 * - An event takes answers only while it is open: scheduled and not yet ended.
 * - "Going" takes a free seat, or a place at the end of the waitlist when every seat is taken.
 *   Someone already going keeps their seat; someone waitlisted keeps their place.
 * - "Interested" and "not going" never need a seat, and leave one if they held it.
 * - A seat that frees up goes to the waitlist's oldest entry at once (`promote`).
 */
export const RSVP_INTENTS = ["going", "interested", "not_going"] as const;
export type RsvpIntent = (typeof RSVP_INTENTS)[number];

/** The event's phase, as the invitation tells it. */
export type EventPhase = "upcoming" | "ended" | "cancelled" | "completed";

export type RsvpStep = { ok: true; to: RsvpStatus; freesSeat: boolean } | { ok: false; reason: string };

const CLOSED: Record<Exclude<EventPhase, "upcoming">, string> = {
  ended: "This event has ended.",
  cancelled: "This event was cancelled.",
  completed: "This event has taken place.",
};

/** Where an answer leaves a person: `from` is their stored answer (null: none yet). */
export function rsvpStep(
  from: RsvpStatus | null,
  intent: RsvpIntent,
  event: { phase: EventPhase; seatFree: boolean },
): RsvpStep {
  if (event.phase !== "upcoming") return { ok: false, reason: CLOSED[event.phase] };
  let to: RsvpStatus;
  if (intent !== "going") to = intent;
  else if (from === "going" || from === "waitlisted") to = from;
  else to = event.seatFree ? "going" : "waitlisted";
  return { ok: true, to, freesSeat: from === "going" && to !== "going" };
}

/** How many from the front of the waitlist take a seat: as many as are free, oldest first. */
export function promote(capacity: number, going: number, waitlisted: number): number {
  return Math.max(0, Math.min(waitlisted, capacity - going));
}

/** Who sees the meeting link and the attendee list besides organisers and the expert. */
export const SEES_MEETING_LINK: ReadonlySet<RsvpStatus> = new Set(["going"]);
