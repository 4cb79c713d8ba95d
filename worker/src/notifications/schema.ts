import { sql } from "drizzle-orm";
import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { officerInvitations } from "../clubs/schema";
import { createdAt, id, instant } from "../db/columns";
import { users } from "../identity/schema";
import { type InvitationState, invitations } from "../pro/schema";

/** What can happen to a scheduled session without its state changing (atas-pro's reschedules, the meeting link). */
export type InvitationScheduleNews =
  | "reschedule-proposed"
  | "reschedule-countered"
  | "rescheduled"
  | "reschedule-declined"
  | "reschedule-withdrawn"
  | "meeting-link";

export interface NotificationFacts {
  /** The invitation's new state, "message" for a new message in its thread, or a club's officer invitation. */
  event: InvitationState | InvitationScheduleNews | "message" | "officer-invitation";
  actor: string;
  title: string;
}

/** In-app notifications, persisted (the live push goes through the user's Inbox object). */
export const notifications = sqliteTable(
  "notifications",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    text: text("text").notNull(),
    invitationId: text("invitation_id").references(() => invitations.id, { onDelete: "cascade" }),
    /** A club's ask to serve as an officer, answered from the notification (Accept / Decline). */
    officerInvitationId: text("officer_invitation_id").references(() => officerInvitations.id, {
      onDelete: "cascade",
    }),
    /** The facts behind `text`, so a page can say it in the reader's language. */
    data: text("data", { mode: "json" }).$type<NotificationFacts>(),
    readAt: instant("read_at"),
    createdAt: createdAt(),
    /** At most one notification per person and key: a repeated act (follow, unfollow, follow) tells once. */
    dedupeKey: text("dedupe_key"),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.readAt, t.createdAt),
    uniqueIndex("notifications_dedupe_once").on(t.userId, t.dedupeKey).where(sql`${t.dedupeKey} is not null`),
  ],
);
