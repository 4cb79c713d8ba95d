import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, instant } from "../../db/columns";
import { users } from "../../identity/schema";
import { invitations } from "../../pro/schema";
import { notes } from "../notes/schema";

/** What a person answered, as stored: `waitlisted` is "going" once a seat frees up. */
export const RSVP_STATUSES = ["going", "interested", "not_going", "waitlisted"] as const;
export type RsvpStatus = (typeof RSVP_STATUSES)[number];

/**
 * A scheduled talk, workshop or panel published as a note (migrations/0031). Start, end, place and
 * status are the invitation's, read by a join; the counts are kept by triggers on `event_rsvps`.
 */
export const events = sqliteTable(
  "events",
  {
    noteId: text("note_id")
      .primaryKey()
      .references(() => notes.id, { onDelete: "cascade" }),
    invitationId: text("invitation_id")
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    /** The invitation's requester (a student or a club): the note's author, whoever published it. */
    organiserId: text("organiser_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The requester or the club officer who pressed "Publish as event". */
    publishedBy: text("published_by")
      .notNull()
      .references(() => users.id),
    capacity: integer("capacity").notNull(),
    goingCount: integer("going_count").notNull().default(0),
    interestedCount: integer("interested_count").notNull().default(0),
    waitlistCount: integer("waitlist_count").notNull().default(0),
    recapNoteId: text("recap_note_id").references(() => notes.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("events_invitation_idx").on(t.invitationId),
    index("events_organiser_idx").on(t.organiserId, t.createdAt),
  ],
);
export type Event = typeof events.$inferSelect;

/** One person's answer to one event; `updated_at` moves only when the status does (waitlist order). */
export const eventRsvps = sqliteTable(
  "event_rsvps",
  {
    noteId: text("note_id")
      .notNull()
      .references(() => events.noteId, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: RSVP_STATUSES }).notNull(),
    updatedAt: instant("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.noteId, t.userId] }),
    index("event_rsvps_status_idx").on(t.noteId, t.status, t.updatedAt, t.userId),
    index("event_rsvps_user_idx").on(t.userId, t.status),
  ],
);
