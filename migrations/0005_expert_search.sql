-- The expert directory's full-text index. Drizzle does not model virtual tables, so this is hand-written
-- and queried with sql templates (worker/src/pro/services/search-experts.ts).
-- The index keeps its own copy of the text (not contentless) so snippet() can quote it. Skills and topics
-- are stored as "a, b, c" rather than JSON so snippets read as text.
CREATE VIRTUAL TABLE `expert_search` USING fts5(
	user_id UNINDEXED,
	display_name,
	headline,
	company,
	industry,
	skills,
	topics,
	bio,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3 4'
);
--> statement-breakpoint
-- Registration inserts the users row first, then the profile row (one batch), so the join finds the user.
CREATE TRIGGER `expert_search_after_insert` AFTER INSERT ON `expert_profiles` BEGIN
	INSERT INTO `expert_search` (user_id, display_name, headline, company, industry, skills, topics, bio)
	SELECT new.user_id, u.display_name, new.headline, new.company, new.industry,
		(SELECT coalesce(group_concat(value, ', '), '') FROM json_each(new.skills)),
		(SELECT coalesce(group_concat(value, ', '), '') FROM json_each(new.topics)),
		u.bio
	FROM `users` u WHERE u.id = new.user_id;
END;
--> statement-breakpoint
-- Availability, accepting and campus ties are not searched, so changing only them leaves the index alone.
CREATE TRIGGER `expert_search_after_update` AFTER UPDATE OF user_id, headline, company, industry, skills, topics
ON `expert_profiles` BEGIN
	UPDATE `expert_search` SET
		user_id = new.user_id,
		headline = new.headline,
		company = new.company,
		industry = new.industry,
		skills = (SELECT coalesce(group_concat(value, ', '), '') FROM json_each(new.skills)),
		topics = (SELECT coalesce(group_concat(value, ', '), '') FROM json_each(new.topics))
	WHERE user_id = old.user_id;
END;
--> statement-breakpoint
-- Also fires for the ON DELETE CASCADE from users.
CREATE TRIGGER `expert_search_after_delete` AFTER DELETE ON `expert_profiles` BEGIN
	DELETE FROM `expert_search` WHERE user_id = old.user_id;
END;
--> statement-breakpoint
CREATE TRIGGER `expert_search_after_user_update` AFTER UPDATE OF display_name, bio ON `users`
WHEN new.role = 'expert' AND (old.display_name IS NOT new.display_name OR old.bio IS NOT new.bio) BEGIN
	UPDATE `expert_search` SET display_name = new.display_name, bio = new.bio WHERE user_id = new.id;
END;
--> statement-breakpoint
INSERT INTO `expert_search` (user_id, display_name, headline, company, industry, skills, topics, bio)
SELECT ep.user_id, u.display_name, ep.headline, ep.company, ep.industry,
	(SELECT coalesce(group_concat(value, ', '), '') FROM json_each(ep.skills)),
	(SELECT coalesce(group_concat(value, ', '), '') FROM json_each(ep.topics)),
	u.bio
FROM `expert_profiles` ep JOIN `users` u ON u.id = ep.user_id;
--> statement-breakpoint
-- The directory without a search walks experts in name order and stops after a page (see search-experts.ts).
CREATE INDEX `users_role_name_idx` ON `users` (`role`, `display_name` COLLATE NOCASE, `id`);
