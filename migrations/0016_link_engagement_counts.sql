-- Exact engagement counts, kept by triggers in the same statement as the row they count. An ignored
-- duplicate insert (ON CONFLICT DO NOTHING) fires no trigger, so it never counts; D1 applies each
-- statement with its triggers atomically, so concurrent likes all count. The tables are new and empty.
CREATE TRIGGER `user_counts_follow_insert` AFTER INSERT ON `follows` BEGIN
	INSERT INTO `user_counts` (`user_id`, `followers`, `following`) VALUES (new.followee_id, 1, 0)
	ON CONFLICT (`user_id`) DO UPDATE SET `followers` = `followers` + 1;
	INSERT INTO `user_counts` (`user_id`, `followers`, `following`) VALUES (new.follower_id, 0, 1)
	ON CONFLICT (`user_id`) DO UPDATE SET `following` = `following` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `user_counts_follow_delete` AFTER DELETE ON `follows` BEGIN
	UPDATE `user_counts` SET `followers` = `followers` - 1 WHERE `user_id` = old.followee_id;
	UPDATE `user_counts` SET `following` = `following` - 1 WHERE `user_id` = old.follower_id;
END;
--> statement-breakpoint
CREATE TRIGGER `note_counts_like_insert` AFTER INSERT ON `note_likes` BEGIN
	INSERT INTO `note_counts` (`note_id`, `likes`, `collects`, `comments`) VALUES (new.note_id, 1, 0, 0)
	ON CONFLICT (`note_id`) DO UPDATE SET `likes` = `likes` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `note_counts_like_delete` AFTER DELETE ON `note_likes` BEGIN
	UPDATE `note_counts` SET `likes` = `likes` - 1 WHERE `note_id` = old.note_id;
END;
--> statement-breakpoint
CREATE TRIGGER `note_counts_collect_insert` AFTER INSERT ON `board_notes` BEGIN
	INSERT INTO `note_counts` (`note_id`, `likes`, `collects`, `comments`) VALUES (new.note_id, 0, 1, 0)
	ON CONFLICT (`note_id`) DO UPDATE SET `collects` = `collects` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `note_counts_collect_delete` AFTER DELETE ON `board_notes` BEGIN
	UPDATE `note_counts` SET `collects` = `collects` - 1 WHERE `note_id` = old.note_id;
END;
--> statement-breakpoint
-- Comments count while live (`deleted_at` null): inserting, soft-deleting, restoring, deleting.
CREATE TRIGGER `note_counts_comment_insert` AFTER INSERT ON `comments` WHEN new.deleted_at IS NULL BEGIN
	INSERT INTO `note_counts` (`note_id`, `likes`, `collects`, `comments`) VALUES (new.note_id, 0, 0, 1)
	ON CONFLICT (`note_id`) DO UPDATE SET `comments` = `comments` + 1;
	INSERT INTO `comment_counts` (`comment_id`, `likes`, `replies`)
	SELECT new.parent_id, 0, 1 WHERE new.parent_id IS NOT NULL
	ON CONFLICT (`comment_id`) DO UPDATE SET `replies` = `replies` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `note_counts_comment_live` AFTER UPDATE OF `deleted_at` ON `comments`
WHEN (old.deleted_at IS NULL) IS NOT (new.deleted_at IS NULL) BEGIN
	INSERT INTO `note_counts` (`note_id`, `likes`, `collects`, `comments`)
	VALUES (new.note_id, 0, 0, CASE WHEN new.deleted_at IS NULL THEN 1 ELSE -1 END)
	ON CONFLICT (`note_id`) DO UPDATE SET `comments` = `comments` + excluded.comments;
	INSERT INTO `comment_counts` (`comment_id`, `likes`, `replies`)
	SELECT new.parent_id, 0, CASE WHEN new.deleted_at IS NULL THEN 1 ELSE -1 END WHERE new.parent_id IS NOT NULL
	ON CONFLICT (`comment_id`) DO UPDATE SET `replies` = `replies` + excluded.replies;
END;
--> statement-breakpoint
CREATE TRIGGER `note_counts_comment_delete` AFTER DELETE ON `comments` WHEN old.deleted_at IS NULL BEGIN
	UPDATE `note_counts` SET `comments` = `comments` - 1 WHERE `note_id` = old.note_id;
	UPDATE `comment_counts` SET `replies` = `replies` - 1 WHERE `comment_id` = old.parent_id;
END;
--> statement-breakpoint
CREATE TRIGGER `comment_counts_like_insert` AFTER INSERT ON `comment_likes` BEGIN
	INSERT INTO `comment_counts` (`comment_id`, `likes`, `replies`) VALUES (new.comment_id, 1, 0)
	ON CONFLICT (`comment_id`) DO UPDATE SET `likes` = `likes` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `comment_counts_like_delete` AFTER DELETE ON `comment_likes` BEGIN
	UPDATE `comment_counts` SET `likes` = `likes` - 1 WHERE `comment_id` = old.comment_id;
END;
