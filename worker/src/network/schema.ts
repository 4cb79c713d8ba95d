import { sql } from "drizzle-orm";
import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id, instant } from "../db/columns";
import { users } from "../identity/schema";
import { invitations } from "../pro/schema";

export const INTRODUCTION_STATUSES = ["pending", "endorsed", "declined"] as const;

/**
 * A warm introduction: the requester asks a mutual connection (the connector) to vouch for their
 * invitation to an expert. Endorsed, the invitation reaches the expert marked "introduced by".
 */
export const introductions = sqliteTable(
  "introductions",
  {
    id: id(),
    invitationId: text("invitation_id")
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    requesterId: text("requester_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    connectorId: text("connector_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expertId: text("expert_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    message: text("message"),
    /** What the connector says to the expert when endorsing. */
    note: text("note"),
    status: text("status", { enum: INTRODUCTION_STATUSES }).notNull().default("pending"),
    createdAt: createdAt(),
    answeredAt: instant("answered_at"),
  },
  (t) => [
    index("introductions_connector_idx").on(t.connectorId, t.status, t.createdAt),
    index("introductions_invitation_idx").on(t.invitationId),
    // One open ask per invitation and connector.
    uniqueIndex("introductions_pending_idx")
      .on(t.invitationId, t.connectorId)
      .where(sql`${t.status} = 'pending'`),
  ],
);
export type Introduction = typeof introductions.$inferSelect;
