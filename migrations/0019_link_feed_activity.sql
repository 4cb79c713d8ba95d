CREATE TABLE `feed_activity` (
	`user_id` text PRIMARY KEY NOT NULL,
	`active_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
