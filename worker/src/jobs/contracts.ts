import { z } from "zod";
import type { GraphChange } from "../adapters/second-degree/interface";

/*
 * One zod contract per queue: producers are typed by the inferred type (env.ts's Queue<…>), and the
 * consumer parses every message with the same schema, so a message that does not match is parked in
 * the dead letters instead of half-processed. Jobs carry ids, never objects.
 */

/** Mail jobs: the consumer reads the rest from D1 and mints any token itself. */
export const EmailJob = z.object({
  kind: z.enum([
    "verify-email",
    "account-exists",
    "password-reset",
    "password-changed",
    "invitation-update",
    "deadline-reminder",
    "session-reminder",
    "session-today",
    "event-changed",
    "event-reminder",
  ]),
  key: z.string().min(1).max(200),
  userId: z.string().min(1),
  /** Where links in the mail point. */
  origin: z.string().url(),
  /** For invitation-update and event-changed: the invitation event (history row) the mail reports. */
  eventId: z.string().optional(),
  /** For reminders: the invitation they are about. */
  invitationId: z.string().optional(),
  /** For an event reminder: the recipient's day it is about, as the morning run saw it. */
  day: z.enum(["today", "tomorrow"]).optional(),
});
export type EmailJob = z.infer<typeof EmailJob>;

/** A proposal draft for the AI queue; the key is the draft's id. */
export const AiJob = z.object({
  kind: z.literal("draft"),
  key: z.string().min(1).max(200),
  draftId: z.string().uuid(),
});
export type AiJob = z.infer<typeof AiJob>;

const GraphUser = z.object({
  id: z.string(),
  displayName: z.string(),
  role: z.enum(["student", "expert", "club", "admin"]),
});
const GraphChangeSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("user"), user: GraphUser }),
  z.object({ op: z.literal("connect"), a: z.string(), b: z.string(), source: z.string() }),
  z.object({ op: z.literal("disconnect"), a: z.string(), b: z.string() }),
  z.object({ op: z.literal("block"), blocker: z.string(), blocked: z.string() }),
  z.object({ op: z.literal("unblock"), blocker: z.string(), blocked: z.string() }),
]);
// The contract and the mirror's own type must say the same thing.
const sameChange: [z.infer<typeof GraphChangeSchema>, GraphChange] extends [
  GraphChange,
  z.infer<typeof GraphChangeSchema>,
]
  ? true
  : never = true;
void sameChange;

/** Edge changes for the graph mirror, in the order they happened in D1. */
export const GraphJob = z.object({
  kind: z.literal("graph"),
  key: z.string().min(1),
  changes: z.array(GraphChangeSchema),
});
export type GraphJob = z.infer<typeof GraphJob>;

/**
 * Following-feed timeline work, by note id: `fanout` adds a posted (or newly visible) note to its
 * active followers' timelines; `withdraw` takes a deleted note out of them (the note row is gone,
 * so the job carries its author); `invitation-changed` tells an event's people that its invitation
 * was rescheduled or cancelled.
 */
export const FanoutJob = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fanout"), key: z.string().min(1), noteId: z.string().min(1) }),
  z.object({
    kind: z.literal("withdraw"),
    key: z.string().min(1),
    noteId: z.string().min(1),
    authorId: z.string().min(1),
  }),
  // A scheduled invitation changed (pro, after the commit): its event, if any, tells everyone going.
  z.object({
    kind: z.literal("invitation-changed"),
    key: z.string().min(1),
    invitationId: z.string().min(1),
    historyEventId: z.string().min(1),
  }),
]);
export type FanoutJob = z.infer<typeof FanoutJob>;
