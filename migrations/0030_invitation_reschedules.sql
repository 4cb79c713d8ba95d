-- The invitation lifecycle, completed (issue 14): proposals to move a scheduled session, and their times.
-- At most one proposal per invitation is open (a partial unique index); counters chain by round.
CREATE TABLE `invitation_reschedules` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`proposed_by` text NOT NULL,
	`actor_id` text,
	`round` integer NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`message` text,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `invitation_reschedules_invitation_idx` ON `invitation_reschedules` (`invitation_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `invitation_reschedules_one_open` ON `invitation_reschedules` (`invitation_id`) WHERE "invitation_reschedules"."status" = 'open';--> statement-breakpoint
CREATE TABLE `reschedule_slots` (
	`id` text PRIMARY KEY NOT NULL,
	`reschedule_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	FOREIGN KEY (`reschedule_id`) REFERENCES `invitation_reschedules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `reschedule_slots_reschedule_idx` ON `reschedule_slots` (`reschedule_id`);
