-- The local twin of the Analytics Engine metrics dataset (issue 17): one row per request, queue
-- batch or cron run, written outside production only (production writes Analytics Engine data
-- points instead); the hourly cron keeps two days.
CREATE TABLE `metric_points` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`method` text NOT NULL,
	`status` integer NOT NULL,
	`duration_ms` real NOT NULL,
	`messages` integer NOT NULL,
	`acked` integer NOT NULL,
	`retried` integer NOT NULL,
	`d1_queries` integer NOT NULL,
	`d1_rows_read` integer NOT NULL,
	`d1_rows_written` integer NOT NULL,
	`store_commands` integer NOT NULL,
	`queue_sends` integer NOT NULL,
	`sends_by_queue` text NOT NULL,
	`do_requests` integer NOT NULL,
	`r2_class_a` integer NOT NULL,
	`r2_class_b` integer NOT NULL,
	`r2_bytes_written` integer NOT NULL,
	`ai_prompt_tokens` integer NOT NULL,
	`ai_completion_tokens` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `metric_points_at_idx` ON `metric_points` (`at`);
