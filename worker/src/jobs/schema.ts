import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, id, instant } from "../db/columns";

/**
 * One row per effect a job has had. The primary key is the job's idempotency key, so a message
 * delivered twice finds its effect recorded and stops.
 */
export const jobEffects = sqliteTable("job_effects", {
  key: text("key").primaryKey(),
  kind: text("kind").notNull(),
  doneAt: instant("done_at").notNull(),
});

/** Messages that exhausted their retries and reached a dead-letter queue. */
export const deadLetters = sqliteTable("dead_letters", {
  id: id(),
  queue: text("queue").notNull(),
  key: text("key").notNull(),
  body: text("body").notNull(),
  createdAt: createdAt(),
});

/** The dev outbox: where the local mailer delivers. Never read in production. */
export const outboxMails = sqliteTable("outbox_mails", {
  id: id(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  html: text("html").notNull(),
  /** Attached files as `{ filename, contentType, content (base64) }`. */
  attachments: text("attachments", { mode: "json" })
    .$type<{ filename: string; contentType: string; content: string }[]>()
    .notNull()
    .default([]),
  createdAt: createdAt(),
});
