-- Follows gained from a note, kept exact like the other note counts: a follow_sources row is
-- written with its follow and removed with it (unfollow cascades), in the same statement.
CREATE TRIGGER `note_counts_follow_gain_insert` AFTER INSERT ON `follow_sources` BEGIN
	INSERT INTO `note_counts` (`note_id`, `likes`, `collects`, `comments`, `follows_gained`) VALUES (new.note_id, 0, 0, 0, 1)
	ON CONFLICT (`note_id`) DO UPDATE SET `follows_gained` = `follows_gained` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `note_counts_follow_gain_delete` AFTER DELETE ON `follow_sources` BEGIN
	UPDATE `note_counts` SET `follows_gained` = `follows_gained` - 1 WHERE `note_id` = old.note_id;
END;
