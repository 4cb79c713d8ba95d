CREATE TABLE `proposal_drafts` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`requested_by` text NOT NULL,
	`request_key` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`tone` text NOT NULL,
	`language` text NOT NULL,
	`length` text NOT NULL,
	`text` text DEFAULT '' NOT NULL,
	`problems` text DEFAULT '[]' NOT NULL,
	`error` text,
	`provider` text,
	`prompt_tokens` integer,
	`completion_tokens` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`attached_at` integer,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `proposal_drafts_request_key_idx` ON `proposal_drafts` (`requested_by`,`request_key`);--> statement-breakpoint
CREATE INDEX `proposal_drafts_invitation_idx` ON `proposal_drafts` (`invitation_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `proposal_drafts_finished_idx` ON `proposal_drafts` (`finished_at`);