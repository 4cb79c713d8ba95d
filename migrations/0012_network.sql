CREATE TABLE `blocks` (
	`blocker_id` text NOT NULL,
	`blocked_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`blocker_id`, `blocked_id`),
	FOREIGN KEY (`blocker_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`blocked_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `blocks_blocked_idx` ON `blocks` (`blocked_id`);--> statement-breakpoint
CREATE TABLE `connection_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`from_id` text NOT NULL,
	`to_id` text NOT NULL,
	`message` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`from_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`to_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `connection_requests_to_idx` ON `connection_requests` (`to_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `connection_requests_from_idx` ON `connection_requests` (`from_id`,`status`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `connection_requests_pending_idx` ON `connection_requests` (`from_id`,`to_id`) WHERE "connection_requests"."status" = 'pending';--> statement-breakpoint
CREATE TABLE `introductions` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`requester_id` text NOT NULL,
	`connector_id` text NOT NULL,
	`expert_id` text NOT NULL,
	`message` text,
	`note` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requester_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`connector_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`expert_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `introductions_connector_idx` ON `introductions` (`connector_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `introductions_invitation_idx` ON `introductions` (`invitation_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `introductions_pending_idx` ON `introductions` (`invitation_id`,`connector_id`) WHERE "introductions"."status" = 'pending';--> statement-breakpoint
ALTER TABLE `invitations` ADD `introduced_by` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `invitations` ADD `introduction_note` text;