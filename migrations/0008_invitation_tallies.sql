CREATE TABLE `invitation_tallies` (
	`user_id` text NOT NULL,
	`side` text NOT NULL,
	`status` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`user_id`, `side`, `status`)
);
--> statement-breakpoint
-- The requester side counts every invitation; the expert side only those that were sent.
INSERT INTO `invitation_tallies` (`user_id`, `side`, `status`, `n`)
SELECT `requester_id`, 'requester', `status`, count(*) FROM `invitations` GROUP BY `requester_id`, `status`;
--> statement-breakpoint
INSERT INTO `invitation_tallies` (`user_id`, `side`, `status`, `n`)
SELECT `expert_id`, 'expert', `status`, count(*) FROM `invitations` WHERE `sent_at` IS NOT NULL GROUP BY `expert_id`, `status`;
--> statement-breakpoint
CREATE TRIGGER `invitation_tallies_after_insert` AFTER INSERT ON `invitations` BEGIN
	INSERT INTO `invitation_tallies` (`user_id`, `side`, `status`, `n`) VALUES (new.requester_id, 'requester', new.status, 1)
	ON CONFLICT (`user_id`, `side`, `status`) DO UPDATE SET `n` = `n` + 1;
	INSERT INTO `invitation_tallies` (`user_id`, `side`, `status`, `n`)
	SELECT new.expert_id, 'expert', new.status, 1 WHERE new.sent_at IS NOT NULL
	ON CONFLICT (`user_id`, `side`, `status`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `invitation_tallies_after_update` AFTER UPDATE OF `status`, `sent_at` ON `invitations`
WHEN old.status IS NOT new.status OR (old.sent_at IS NULL) IS NOT (new.sent_at IS NULL) BEGIN
	UPDATE `invitation_tallies` SET `n` = `n` - 1
	WHERE `user_id` = old.requester_id AND `side` = 'requester' AND `status` = old.status;
	UPDATE `invitation_tallies` SET `n` = `n` - 1
	WHERE old.sent_at IS NOT NULL AND `user_id` = old.expert_id AND `side` = 'expert' AND `status` = old.status;
	INSERT INTO `invitation_tallies` (`user_id`, `side`, `status`, `n`) VALUES (new.requester_id, 'requester', new.status, 1)
	ON CONFLICT (`user_id`, `side`, `status`) DO UPDATE SET `n` = `n` + 1;
	INSERT INTO `invitation_tallies` (`user_id`, `side`, `status`, `n`)
	SELECT new.expert_id, 'expert', new.status, 1 WHERE new.sent_at IS NOT NULL
	ON CONFLICT (`user_id`, `side`, `status`) DO UPDATE SET `n` = `n` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `invitation_tallies_after_delete` AFTER DELETE ON `invitations` BEGIN
	UPDATE `invitation_tallies` SET `n` = `n` - 1
	WHERE `user_id` = old.requester_id AND `side` = 'requester' AND `status` = old.status;
	UPDATE `invitation_tallies` SET `n` = `n` - 1
	WHERE old.sent_at IS NOT NULL AND `user_id` = old.expert_id AND `side` = 'expert' AND `status` = old.status;
END;
