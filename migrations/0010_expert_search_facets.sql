-- The directory search ranks inside FTS5 (ORDER BY rank) and filters inside FTS5 too, so a page of
-- results reads about a page of rows however many experts match (search-experts.ts).
--
-- `facets` holds one token per exact-match filter value: u<user id> (to find a row by its expert),
-- i<industry>, s<skill>, t<topic>, c<campus tie> (each value ASCII-lowercased and hex-encoded, so any
-- text becomes one token), a1/a0 (accepting invitations) and w0..w6 (weekdays with availability).
-- Its bm25 weight is 0, so a filter never changes a score; user words never search it.
DROP TRIGGER IF EXISTS `expert_search_after_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `expert_search_after_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `expert_search_after_delete`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `expert_search_after_user_update`;
--> statement-breakpoint
DROP TABLE IF EXISTS `expert_search`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `expert_search` USING fts5(
	user_id UNINDEXED,
	display_name,
	headline,
	company,
	industry,
	skills,
	topics,
	bio,
	facets,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3 4'
);
--> statement-breakpoint
-- What the index holds for each expert, in the table's column order: the one definition the triggers
-- and the backfill share. Skills and topics read as "a, b, c" so snippets read as text.
CREATE VIEW `expert_search_source` AS
SELECT
	ep.user_id AS user_id,
	u.display_name AS display_name,
	ep.headline AS headline,
	ep.company AS company,
	ep.industry AS industry,
	(SELECT coalesce(group_concat(value, ', '), '') FROM json_each(ep.skills)) AS skills,
	(SELECT coalesce(group_concat(value, ', '), '') FROM json_each(ep.topics)) AS topics,
	u.bio AS bio,
	'u' || replace(ep.user_id, '-', '')
		|| ' i' || hex(lower(ep.industry))
		|| ' ' || (SELECT coalesce(group_concat('s' || hex(lower(value)), ' '), '') FROM json_each(ep.skills))
		|| ' ' || (SELECT coalesce(group_concat('t' || hex(lower(value)), ' '), '') FROM json_each(ep.topics))
		|| ' ' || (SELECT coalesce(group_concat('c' || hex(lower(value)), ' '), '') FROM json_each(ep.campus_ties))
		|| ' a' || ep.accepting_invitations
		|| ' ' || (SELECT coalesce(group_concat(DISTINCT 'w' || json_extract(value, '$.weekday')), '') FROM json_each(ep.availability))
		AS facets
FROM `expert_profiles` ep JOIN `users` u ON u.id = ep.user_id;
--> statement-breakpoint
-- Registration inserts the users row first, then the profile row (one batch), so the view finds both.
CREATE TRIGGER `expert_search_after_insert` AFTER INSERT ON `expert_profiles` BEGIN
	INSERT INTO `expert_search` (user_id, display_name, headline, company, industry, skills, topics, bio, facets)
	SELECT * FROM `expert_search_source` WHERE user_id = new.user_id;
END;
--> statement-breakpoint
-- A change re-indexes the expert's one row, found through its u-token (an index lookup, not a scan).
CREATE TRIGGER `expert_search_after_update`
AFTER UPDATE OF user_id, headline, company, industry, skills, topics, campus_ties, accepting_invitations, availability
ON `expert_profiles` BEGIN
	DELETE FROM `expert_search` WHERE `expert_search` MATCH '{facets} : "u' || replace(old.user_id, '-', '') || '"';
	INSERT INTO `expert_search` (user_id, display_name, headline, company, industry, skills, topics, bio, facets)
	SELECT * FROM `expert_search_source` WHERE user_id = new.user_id;
END;
--> statement-breakpoint
-- Also fires for the ON DELETE CASCADE from users.
CREATE TRIGGER `expert_search_after_delete` AFTER DELETE ON `expert_profiles` BEGIN
	DELETE FROM `expert_search` WHERE `expert_search` MATCH '{facets} : "u' || replace(old.user_id, '-', '') || '"';
END;
--> statement-breakpoint
CREATE TRIGGER `expert_search_after_user_update` AFTER UPDATE OF display_name, bio ON `users`
WHEN new.role = 'expert' AND (old.display_name IS NOT new.display_name OR old.bio IS NOT new.bio) BEGIN
	DELETE FROM `expert_search` WHERE `expert_search` MATCH '{facets} : "u' || replace(new.id, '-', '') || '"';
	INSERT INTO `expert_search` (user_id, display_name, headline, company, industry, skills, topics, bio, facets)
	SELECT * FROM `expert_search_source` WHERE user_id = new.id;
END;
--> statement-breakpoint
INSERT INTO `expert_search` (user_id, display_name, headline, company, industry, skills, topics, bio, facets)
SELECT * FROM `expert_search_source`;
