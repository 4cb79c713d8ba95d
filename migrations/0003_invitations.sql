CREATE TABLE `cron_reminders` (
	`invitation_id` text NOT NULL,
	`kind` text NOT NULL,
	`local_date` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cron_reminders_once` ON `cron_reminders` (`invitation_id`,`kind`,`local_date`);--> statement-breakpoint
CREATE TABLE `invitation_events` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`actor_id` text,
	`action` text NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	`message` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `invitation_events_invitation_idx` ON `invitation_events` (`invitation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `invitation_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`author_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `invitation_messages_invitation_idx` ON `invitation_messages` (`invitation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `invitation_slots` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`round` integer NOT NULL,
	`proposed_by` text NOT NULL,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `invitation_slots_invitation_idx` ON `invitation_slots` (`invitation_id`,`round`);--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`requester_id` text NOT NULL,
	`expert_id` text NOT NULL,
	`created_by` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`agenda` text NOT NULL,
	`duration_minutes` integer NOT NULL,
	`format` text NOT NULL,
	`venue` text,
	`audience_size` integer NOT NULL,
	`honorarium_amount` integer,
	`honorarium_currency` text,
	`language` text NOT NULL,
	`response_deadline` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	`scheduled_start` integer,
	`signed_off_by` text,
	`proposal` text,
	`sent_at` integer,
	`responded_at` integer,
	`completed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`requester_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`expert_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`signed_off_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `invitations_expert_status_idx` ON `invitations` (`expert_id`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `invitations_requester_status_idx` ON `invitations` (`requester_id`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `invitations_deadline_idx` ON `invitations` (`status`,`response_deadline`);--> statement-breakpoint
CREATE INDEX `invitations_scheduled_idx` ON `invitations` (`status`,`scheduled_start`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`text` text NOT NULL,
	`invitation_id` text,
	`read_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`read_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`author_id` text NOT NULL,
	`subject_id` text NOT NULL,
	`rating` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reviews_one_per_side` ON `reviews` (`invitation_id`,`author_id`);--> statement-breakpoint
CREATE INDEX `reviews_subject_idx` ON `reviews` (`subject_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `expert_profiles` ADD `campus_ties` text DEFAULT '[]' NOT NULL;