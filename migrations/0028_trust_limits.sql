-- Trust and safety limits (issue 12).
-- A notification may carry a dedupe key: at most one per person and key, so repeating the act
-- that caused it (follow, unfollow, follow) does not notify twice. Keys carry their own period
-- (e.g. `follow:<follower>:<UTC day>`).
ALTER TABLE `notifications` ADD `dedupe_key` text;
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe_once` ON `notifications` (`user_id`,`dedupe_key`) WHERE `dedupe_key` IS NOT NULL;
--> statement-breakpoint
-- Report weighting counts each reporter's upheld (removed) past reports.
CREATE INDEX `reports_reporter_decision_idx` ON `reports` (`reporter_id`,`decision`);
