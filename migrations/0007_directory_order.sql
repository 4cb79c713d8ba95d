ALTER TABLE `expert_profiles` ADD `sort_name` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- sort_name mirrors users.display_name for experts, so the directory reads one index in name order.
UPDATE `expert_profiles` SET `sort_name` = (SELECT `display_name` FROM `users` WHERE `users`.`id` = `expert_profiles`.`user_id`);
--> statement-breakpoint
CREATE TRIGGER `expert_profiles_sort_name_after_insert` AFTER INSERT ON `expert_profiles` BEGIN
	UPDATE `expert_profiles` SET `sort_name` = (SELECT `display_name` FROM `users` WHERE `id` = new.user_id)
	WHERE `user_id` = new.user_id;
END;
--> statement-breakpoint
CREATE TRIGGER `expert_profiles_sort_name_after_user_update` AFTER UPDATE OF `display_name` ON `users`
WHEN new.role = 'expert' AND old.display_name IS NOT new.display_name BEGIN
	UPDATE `expert_profiles` SET `sort_name` = new.display_name WHERE `user_id` = new.id;
END;
--> statement-breakpoint
-- The listing: accepting experts first, then by name; and the same within one industry.
CREATE INDEX `expert_profiles_directory_idx` ON `expert_profiles` (`accepting_invitations`, `sort_name` COLLATE NOCASE, `user_id`);
--> statement-breakpoint
CREATE INDEX `expert_profiles_industry_directory_idx` ON `expert_profiles` (`industry` COLLATE NOCASE, `accepting_invitations`, `sort_name` COLLATE NOCASE, `user_id`);
--> statement-breakpoint
-- Replaced by the two indexes above.
DROP INDEX IF EXISTS `users_role_name_idx`;
