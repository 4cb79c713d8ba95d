import { sql } from "drizzle-orm";
import { index, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id, instant } from "../db/columns";
import { users } from "../identity/schema";

/** Students who run a club account (each said yes to an officer invitation); they co-own its invitations. */
export const clubOfficers = sqliteTable(
  "club_officers",
  {
    clubId: text("club_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull().default("Officer"),
  },
  (t) => [primaryKey({ columns: [t.clubId, t.userId] }), index("club_officers_user_idx").on(t.userId)],
);

export const OFFICER_STATES = [
  "pending",
  "accepted",
  "declined",
  "withdrawn",
  "left",
  "removed",
  "blocked",
] as const;
export type OfficerState = (typeof OFFICER_STATES)[number];

/**
 * A club asks a student to serve as an officer; only the student's yes makes the office (a
 * `club_officers` row) and the club connection. The rules live in `officer-machine.ts`.
 */
export const officerInvitations = sqliteTable(
  "officer_invitations",
  {
    id: id(),
    clubId: text("club_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull().default("Officer"),
    status: text("status", { enum: OFFICER_STATES }).notNull().default("pending"),
    createdAt: createdAt(),
    answeredAt: instant("answered_at"),
  },
  (t) => [
    // One live tie (asked or serving) per club and student.
    uniqueIndex("officer_invitations_live_idx")
      .on(t.clubId, t.userId)
      .where(sql`${t.status} in ('pending', 'accepted')`),
    index("officer_invitations_user_idx").on(t.userId, t.status, t.createdAt),
    index("officer_invitations_club_idx").on(t.clubId, t.status, t.createdAt),
  ],
);
export type OfficerInvitation = typeof officerInvitations.$inferSelect;
