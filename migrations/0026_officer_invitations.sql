-- Club officers by consent: a club invites, the student accepts or declines; only an accepted
-- invitation is an office (`club_officers`) and a club connection. A block ends both.
CREATE TABLE `officer_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`club_id` text NOT NULL,
	`user_id` text NOT NULL,
	`title` text DEFAULT 'Officer' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`answered_at` integer,
	FOREIGN KEY (`club_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `officer_invitations_live_idx` ON `officer_invitations` (`club_id`,`user_id`) WHERE "officer_invitations"."status" in ('pending', 'accepted');
--> statement-breakpoint
CREATE INDEX `officer_invitations_user_idx` ON `officer_invitations` (`user_id`,`status`,`created_at`);
--> statement-breakpoint
CREATE INDEX `officer_invitations_club_idx` ON `officer_invitations` (`club_id`,`status`,`created_at`);
--> statement-breakpoint
-- The notification that carries Accept / Decline points at its invitation.
ALTER TABLE `notifications` ADD `officer_invitation_id` text REFERENCES officer_invitations(id) ON DELETE cascade;
--> statement-breakpoint
-- Officers appointed before this migration were never asked: each becomes a pending invitation
-- (with its notification) and loses the office and the club connection until they accept.
INSERT INTO `officer_invitations` (`id`, `club_id`, `user_id`, `title`, `status`, `created_at`)
SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
       substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
       substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
       `club_id`, `user_id`, `title`, 'pending', CAST((julianday('now') - 2440587.5) * 86400000 AS integer)
FROM `club_officers`;
--> statement-breakpoint
INSERT INTO `notifications` (`id`, `user_id`, `type`, `text`, `data`, `officer_invitation_id`, `created_at`)
SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
       substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) ||
       substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
       oi.`user_id`, 'officer-invitation',
       coalesce(nullif(cp.`name`, ''), u.`display_name`) || ' invites you to be an officer (' || oi.`title` || ').',
       json_object('event', 'officer-invitation', 'actor', coalesce(nullif(cp.`name`, ''), u.`display_name`), 'title', oi.`title`),
       oi.`id`, oi.`created_at`
FROM `officer_invitations` oi
JOIN `users` u ON u.`id` = oi.`club_id`
LEFT JOIN `club_profiles` cp ON cp.`user_id` = oi.`club_id`;
--> statement-breakpoint
-- Only an appointment made "club" edges; the graph mirror catches up with POST /api/admin/graph/resync.
DELETE FROM `connections` WHERE `source` = 'club';
--> statement-breakpoint
DELETE FROM `club_officers`;
