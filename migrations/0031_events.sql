-- Events (issue 14): a scheduled talk, workshop or panel published to atas-link as a note with an
-- event block. Start, end, place and status are read from the invitation, so the event page is
-- always current; this table holds what only the event has: capacity, RSVP counts, the recap.
CREATE TABLE `events` (
	`note_id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`organiser_id` text NOT NULL,
	`published_by` text NOT NULL,
	`capacity` integer NOT NULL,
	`going_count` integer DEFAULT 0 NOT NULL,
	`interested_count` integer DEFAULT 0 NOT NULL,
	`waitlist_count` integer DEFAULT 0 NOT NULL,
	`recap_note_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organiser_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recap_note_id`) REFERENCES `notes`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
-- One event per invitation: publishing twice is refused by this index, whoever wins the race.
CREATE UNIQUE INDEX `events_invitation_idx` ON `events` (`invitation_id`);
--> statement-breakpoint
CREATE INDEX `events_organiser_idx` ON `events` (`organiser_id`, `created_at`);
--> statement-breakpoint
CREATE TABLE `event_rsvps` (
	`note_id` text NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`note_id`, `user_id`),
	FOREIGN KEY (`note_id`) REFERENCES `events`(`note_id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- The waitlist in the order people joined it (updated_at changes only when the status does).
CREATE INDEX `event_rsvps_status_idx` ON `event_rsvps` (`note_id`, `status`, `updated_at`, `user_id`);
--> statement-breakpoint
CREATE INDEX `event_rsvps_user_idx` ON `event_rsvps` (`user_id`, `status`);
--> statement-breakpoint
-- Exact counts, kept in the same statement as the row (as note_counts is for likes), so a
-- concurrent RSVP always sees the seats taken by every RSVP committed before it.
CREATE TRIGGER `event_rsvps_after_insert` AFTER INSERT ON `event_rsvps` BEGIN
	UPDATE `events` SET
		going_count = going_count + (new.status = 'going'),
		interested_count = interested_count + (new.status = 'interested'),
		waitlist_count = waitlist_count + (new.status = 'waitlisted')
	WHERE note_id = new.note_id;
END;
--> statement-breakpoint
CREATE TRIGGER `event_rsvps_after_update` AFTER UPDATE OF `status` ON `event_rsvps`
WHEN old.status IS NOT new.status BEGIN
	UPDATE `events` SET
		going_count = going_count + (new.status = 'going') - (old.status = 'going'),
		interested_count = interested_count + (new.status = 'interested') - (old.status = 'interested'),
		waitlist_count = waitlist_count + (new.status = 'waitlisted') - (old.status = 'waitlisted')
	WHERE note_id = new.note_id;
END;
--> statement-breakpoint
CREATE TRIGGER `event_rsvps_after_delete` AFTER DELETE ON `event_rsvps` BEGIN
	UPDATE `events` SET
		going_count = going_count - (old.status = 'going'),
		interested_count = interested_count - (old.status = 'interested'),
		waitlist_count = waitlist_count - (old.status = 'waitlisted')
	WHERE note_id = old.note_id;
END;
