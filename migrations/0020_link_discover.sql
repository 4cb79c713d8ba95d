CREATE TABLE `follow_sources` (
	`follower_id` text NOT NULL,
	`followee_id` text NOT NULL,
	`note_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`follower_id`, `followee_id`),
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`follower_id`,`followee_id`) REFERENCES `follows`(`follower_id`,`followee_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `follow_sources_note_idx` ON `follow_sources` (`note_id`);--> statement-breakpoint
CREATE TABLE `not_interested` (
	`user_id` text NOT NULL,
	`note_id` text NOT NULL,
	`author_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `note_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `not_interested_user_idx` ON `not_interested` (`user_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `note_counts` ADD `follows_gained` integer DEFAULT 0 NOT NULL;