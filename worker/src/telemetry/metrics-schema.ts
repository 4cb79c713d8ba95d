import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { id, instant } from "../db/columns";

/**
 * The local twin of the Analytics Engine dataset (telemetry/metrics.ts): one row per request, queue
 * batch or cron run, written outside production only, so the admin page has the same counters on a
 * laptop. Trimmed to the last two days by the hourly cron.
 */
export const metricPoints = sqliteTable(
  "metric_points",
  {
    id: id(),
    at: instant("at").notNull(),
    /** request | batch | cron */
    kind: text("kind").notNull(),
    /** The route template, the queue's name or the cron expression. */
    name: text("name").notNull(),
    method: text("method").notNull(),
    status: integer("status").notNull(),
    durationMs: real("duration_ms").notNull(),
    /** Messages in a batch: delivered, acknowledged, retried. */
    messages: integer("messages").notNull(),
    acked: integer("acked").notNull(),
    retried: integer("retried").notNull(),
    d1Queries: integer("d1_queries").notNull(),
    d1RowsRead: integer("d1_rows_read").notNull(),
    d1RowsWritten: integer("d1_rows_written").notNull(),
    storeCommands: integer("store_commands").notNull(),
    queueSends: integer("queue_sends").notNull(),
    /** Messages sent by queue name, as JSON ({"atas-email": 1}). */
    sendsByQueue: text("sends_by_queue").notNull(),
    doRequests: integer("do_requests").notNull(),
    r2ClassA: integer("r2_class_a").notNull(),
    r2ClassB: integer("r2_class_b").notNull(),
    r2BytesWritten: integer("r2_bytes_written").notNull(),
    aiPromptTokens: integer("ai_prompt_tokens").notNull(),
    aiCompletionTokens: integer("ai_completion_tokens").notNull(),
  },
  (t) => [index("metric_points_at_idx").on(t.at)],
);
