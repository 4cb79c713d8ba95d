-- Early-morning reminders in each recipient's own morning (issue 14): the hourly run claims one row
-- per (subject, kind, recipient, local date) before it enqueues a mail, so running the same hour
-- twice sends nothing new. The subject is an invitation or (atas-link) an event, so no foreign key;
-- the daily housekeeping deletes claims older than two weeks.
CREATE TABLE `morning_claims` (
	`subject_id` text NOT NULL,
	`kind` text NOT NULL,
	`recipient_id` text NOT NULL,
	`local_date` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `morning_claims_once` ON `morning_claims` (`subject_id`,`kind`,`recipient_id`,`local_date`);
--> statement-breakpoint
CREATE INDEX `morning_claims_created_idx` ON `morning_claims` (`created_at`);
--> statement-breakpoint
-- Yesterday's per-invitation claims carry over with no recipient (they keep the day they served).
INSERT INTO `morning_claims` (`subject_id`, `kind`, `recipient_id`, `local_date`, `created_at`)
  SELECT `invitation_id`, `kind`, '', `local_date`, `created_at` FROM `cron_reminders`;
--> statement-breakpoint
DROP TABLE `cron_reminders`;
