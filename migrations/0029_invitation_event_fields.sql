-- Events and the completed invitation lifecycle (issue 14): fields on the invitation that the
-- pro side writes and atas-link's event notes read.
-- The online meeting link, set by the expert or the requester side; shown to the two sides and
-- to people going to the invitation's event.
ALTER TABLE `invitations` ADD `meeting_link` text;
--> statement-breakpoint
-- The expert's yes to being named on a public event (a checkbox when accepting, default on).
ALTER TABLE `invitations` ADD `expert_named_publicly` integer DEFAULT 1 NOT NULL;
--> statement-breakpoint
-- "Ask this expert": the note the invitation was started from, if any.
ALTER TABLE `invitations` ADD `source_note_id` text;
