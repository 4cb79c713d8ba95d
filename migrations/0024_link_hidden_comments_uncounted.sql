-- A comment counts (note_counts.comments, comment_counts.replies) while it is live: neither deleted
-- nor hidden by moderation. Until now only deleted_at was followed, so a hidden comment still
-- counted. The triggers are redefined on both columns, and the stored counts recomputed once.
DROP TRIGGER IF EXISTS `note_counts_comment_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `note_counts_comment_live`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `note_counts_comment_delete`;
--> statement-breakpoint
CREATE TRIGGER `note_counts_comment_insert` AFTER INSERT ON `comments`
WHEN new.deleted_at IS NULL AND new.hidden_at IS NULL BEGIN
	INSERT INTO `note_counts` (`note_id`, `likes`, `collects`, `comments`) VALUES (new.note_id, 0, 0, 1)
	ON CONFLICT (`note_id`) DO UPDATE SET `comments` = `comments` + 1;
	INSERT INTO `comment_counts` (`comment_id`, `likes`, `replies`)
	SELECT new.parent_id, 0, 1 WHERE new.parent_id IS NOT NULL
	ON CONFLICT (`comment_id`) DO UPDATE SET `replies` = `replies` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `note_counts_comment_live` AFTER UPDATE OF `deleted_at`, `hidden_at` ON `comments`
WHEN (old.deleted_at IS NULL AND old.hidden_at IS NULL) IS NOT (new.deleted_at IS NULL AND new.hidden_at IS NULL) BEGIN
	INSERT INTO `note_counts` (`note_id`, `likes`, `collects`, `comments`)
	VALUES (new.note_id, 0, 0, CASE WHEN new.deleted_at IS NULL AND new.hidden_at IS NULL THEN 1 ELSE -1 END)
	ON CONFLICT (`note_id`) DO UPDATE SET `comments` = `comments` + excluded.comments;
	INSERT INTO `comment_counts` (`comment_id`, `likes`, `replies`)
	SELECT new.parent_id, 0, CASE WHEN new.deleted_at IS NULL AND new.hidden_at IS NULL THEN 1 ELSE -1 END
	WHERE new.parent_id IS NOT NULL
	ON CONFLICT (`comment_id`) DO UPDATE SET `replies` = `replies` + excluded.replies;
END;
--> statement-breakpoint
CREATE TRIGGER `note_counts_comment_delete` AFTER DELETE ON `comments`
WHEN old.deleted_at IS NULL AND old.hidden_at IS NULL BEGIN
	UPDATE `note_counts` SET `comments` = `comments` - 1 WHERE `note_id` = old.note_id;
	UPDATE `comment_counts` SET `replies` = `replies` - 1 WHERE `comment_id` = old.parent_id;
END;
--> statement-breakpoint
UPDATE `note_counts` SET `comments` = (
	SELECT count(*) FROM `comments` c
	WHERE c.note_id = note_counts.note_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL
);
--> statement-breakpoint
UPDATE `comment_counts` SET `replies` = (
	SELECT count(*) FROM `comments` c
	WHERE c.parent_id = comment_counts.comment_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL
);
