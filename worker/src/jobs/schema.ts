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
