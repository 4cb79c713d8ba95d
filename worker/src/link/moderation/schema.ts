import { sql } from "drizzle-orm";
import { index, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id, instant } from "../../db/columns";
import { users } from "../../identity/schema";

export const REPORT_TARGETS = ["note", "comment", "user"] as const;
export type ReportTarget = (typeof REPORT_TARGETS)[number];
export const REPORT_REASONS = ["spam", "harassment", "inappropriate", "misinformation", "other"] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
/** What an admin decided: restore (unhide), remove (delete the content), dismiss (no change). */
export const REPORT_DECISIONS = ["restore", "remove", "dismiss"] as const;
export type ReportDecision = (typeof REPORT_DECISIONS)[number];

/**
 * A person's report of a note, comment or user. `target_id` points into the table `target_type`
 * names (no foreign key: the target may be deleted, and the queue then shows it as gone). A report
 * stays open until an admin decides; each reporter has at most one open report per target, so
 * counting open rows counts distinct reporters, and a target restored once can be reported again.
 */
export const reports = sqliteTable(
  "reports",
  {
    id: id(),
    reporterId: text("reporter_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    targetType: text("target_type", { enum: REPORT_TARGETS }).notNull(),
    targetId: text("target_id").notNull(),
    reason: text("reason", { enum: REPORT_REASONS }).notNull(),
    /** The reporter's own words, plain text, at most 500 characters. */
    detail: text("detail"),
    createdAt: createdAt(),
    resolvedAt: instant("resolved_at"),
    resolvedBy: text("resolved_by").references(() => users.id, { onDelete: "set null" }),
    decision: text("decision", { enum: REPORT_DECISIONS }),
  },
  (t) => [
    uniqueIndex("reports_open_once")
      .on(t.reporterId, t.targetType, t.targetId)
      .where(sql`${t.resolvedAt} is null`),
    index("reports_target_idx").on(t.targetType, t.targetId, t.resolvedAt),
    index("reports_queue_idx").on(t.resolvedAt, t.createdAt),
  ],
);
export type Report = typeof reports.$inferSelect;

/** Someone the user no longer wants in their feeds; unlike a block, the muted person is not told or stopped. */
export const mutes = sqliteTable(
  "mutes",
  {
    muterId: text("muter_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    mutedId: text("muted_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.muterId, t.mutedId] })],
);
