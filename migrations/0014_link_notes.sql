CREATE TABLE `note_images` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`key` text NOT NULL,
	`content_type` text NOT NULL,
	`display_key` text NOT NULL,
	`display_content_type` text NOT NULL,
	`width` integer,
	`height` integer,
	`bytes` integer NOT NULL,
	`display_bytes` integer NOT NULL,
	`created_at` integer NOT NULL,
	`note_id` text,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `note_images_note_idx` ON `note_images` (`note_id`,`position`);--> statement-breakpoint
CREATE INDEX `note_images_owner_idx` ON `note_images` (`owner_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `note_mentions` (
	`note_id` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`note_id`, `user_id`),
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `note_mentions_user_idx` ON `note_mentions` (`user_id`);--> statement-breakpoint
CREATE TABLE `note_topics` (
	`note_id` text NOT NULL,
	`topic` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`note_id`, `topic`),
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `note_topics_topic_idx` ON `note_topics` (`topic`,`created_at`);--> statement-breakpoint
CREATE TABLE `notes` (
	`id` text PRIMARY KEY NOT NULL,
	`author_id` text NOT NULL,
	`campus_id` text,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`visibility` text NOT NULL,
	`created_at` integer NOT NULL,
	`edited_at` integer,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campus_id`) REFERENCES `campuses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notes_author_idx` ON `notes` (`author_id`,`created_at`,`id`);