CREATE TABLE `message_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`from_id` text NOT NULL,
	`to_id` text NOT NULL,
	`text` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`from_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`to_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `message_requests_to_idx` ON `message_requests` (`to_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `message_requests_from_idx` ON `message_requests` (`from_id`,`status`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `message_requests_pending_idx` ON `message_requests` (`from_id`,`to_id`) WHERE "message_requests"."status" = 'pending';--> statement-breakpoint
CREATE TABLE `room_members` (
	`room_id` text NOT NULL,
	`user_id` text NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`muted_until` integer,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`room_id`, `user_id`),
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `room_members_user_idx` ON `room_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `rooms` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rooms_kind_idx` ON `rooms` (`kind`);--> statement-breakpoint
-- A room per campus, and the first topic rooms. Club and direct rooms are created when first used.
INSERT OR IGNORE INTO `rooms` (`id`, `kind`, `title`, `created_at`)
  SELECT 'campus:' || `id`, 'campus', `name`, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM `campuses`;
--> statement-breakpoint
INSERT OR IGNORE INTO `rooms` (`id`, `kind`, `title`, `created_at`) VALUES
  ('topic:careers', 'topic', 'Careers', CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('topic:internships', 'topic', 'Internships', CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('topic:ai', 'topic', 'AI', CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('topic:startups', 'topic', 'Startups', CAST(strftime('%s', 'now') AS INTEGER) * 1000);
