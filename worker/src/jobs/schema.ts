import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
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

/**
 * What the hourly early-morning run already did: one row per (subject, kind, recipient, local
 * date), claimed before the mail is enqueued, so a second run the same local day sends nothing.
 * The subject is an invitation or an event (any domain's), hence no foreign key; the daily
 * housekeeping deletes rows older than two weeks.
 */
export const morningClaims = sqliteTable(
  "morning_claims",
  {
    subjectId: text("subject_id").notNull(),
    kind: text("kind").notNull(),
    recipientId: text("recipient_id").notNull(),
    localDate: text("local_date").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("morning_claims_once").on(t.subjectId, t.kind, t.recipientId, t.localDate),
    index("morning_claims_created_idx").on(t.createdAt),
  ],
);
