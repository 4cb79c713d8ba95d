-- atas-link search: full-text indexes over notes and people, and counts of public notes per #topic.
-- Drizzle models none of this (virtual tables, views, triggers; topic_counts is only ever read with sql
-- templates), so it is hand-written; worker/src/link/services/search.ts queries it.
--
-- CJK: unicode61 keeps a run of Han or kana as ONE token ("我在吉隆坡留学"), so "留学" would never
-- match. The indexed copy therefore puts U+200B (a separator to unicode61) around every Han/kana
-- character: each one becomes a token, and the query "留学" becomes the phrase "留 学" (adjacent
-- tokens), which finds any substring of any length. Highlights come back with U+200B in them; the
-- service strips it. ASCII text skips the split (the length test), and U+E000/U+E001, the highlight
-- markers, are dropped from indexed text so a note cannot forge a highlight. Korean (spaced words)
-- and Thai (unspaced, not split here) keep unicode61's rules.
--
-- `facets` holds exact-match tokens that user words never search (their bm25 weight is 0):
-- n<note id hex> to find a note's row, a<author id hex>, v<visibility> with vc<campus hex> for campus
-- notes, and h1 while moderation hides the note. A search asks FTS5 first for the notes the viewer
-- could see (public, own, their campus, followers-only), so a page reads about a page of rows;
-- listedNotes() then applies the exact rule (follows, blocks, mutes) to that page.
CREATE VIRTUAL TABLE `note_search` USING fts5(
	note_id UNINDEXED,
	title,
	body,
	facets,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
--> statement-breakpoint
CREATE VIEW `note_search_source` AS
SELECT
	n.id AS note_id,
	CASE WHEN length(n.title) = length(CAST(n.title AS BLOB)) THEN n.title ELSE coalesce((
		SELECT group_concat(CASE WHEN unicode(c) BETWEEN 12352 AND 12543 OR unicode(c) BETWEEN 13312 AND 19903 OR unicode(c) BETWEEN 19968 AND 40959
				OR unicode(c) BETWEEN 63744 AND 64255 OR unicode(c) BETWEEN 131072 AND 201551
			THEN char(8203) || c || char(8203) ELSE c END, '' ORDER BY k)
		FROM (SELECT key AS k, substr(n.title, key + 1, 1) AS c
			FROM json_each('[' || rtrim(replace(hex(zeroblob(length(n.title))), '00', '0,'), ',') || ']'))
		WHERE c NOT IN (char(57344), char(57345))), '') END AS title,
	CASE WHEN length(n.body) = length(CAST(n.body AS BLOB)) THEN n.body ELSE coalesce((
		SELECT group_concat(CASE WHEN unicode(c) BETWEEN 12352 AND 12543 OR unicode(c) BETWEEN 13312 AND 19903 OR unicode(c) BETWEEN 19968 AND 40959
				OR unicode(c) BETWEEN 63744 AND 64255 OR unicode(c) BETWEEN 131072 AND 201551
			THEN char(8203) || c || char(8203) ELSE c END, '' ORDER BY k)
		FROM (SELECT key AS k, substr(n.body, key + 1, 1) AS c
			FROM json_each('[' || rtrim(replace(hex(zeroblob(length(n.body))), '00', '0,'), ',') || ']'))
		WHERE c NOT IN (char(57344), char(57345))), '') END AS body,
	'n' || hex(n.id) || ' a' || hex(n.author_id) || ' v'
		|| CASE n.visibility WHEN 'campus' THEN 'c' || hex(coalesce(n.campus_id, '')) ELSE n.visibility END
		|| CASE WHEN n.hidden_at IS NULL THEN '' ELSE ' h1' END AS facets
FROM `notes` n;
--> statement-breakpoint
CREATE TRIGGER `note_search_after_insert` AFTER INSERT ON `notes` BEGIN
	INSERT INTO `note_search` (note_id, title, body, facets)
	SELECT * FROM `note_search_source` WHERE note_id = new.id;
END;
--> statement-breakpoint
-- An edit, a visibility change or moderation re-indexes the note's one row, found by its n-token.
CREATE TRIGGER `note_search_after_update` AFTER UPDATE OF id, author_id, campus_id, title, body, visibility, hidden_at
ON `notes` BEGIN
	DELETE FROM `note_search` WHERE `note_search` MATCH '{facets} : "n' || hex(old.id) || '"';
	INSERT INTO `note_search` (note_id, title, body, facets)
	SELECT * FROM `note_search_source` WHERE note_id = new.id;
END;
--> statement-breakpoint
-- Also fires for the ON DELETE CASCADE from users.
CREATE TRIGGER `note_search_after_delete` AFTER DELETE ON `notes` BEGIN
	DELETE FROM `note_search` WHERE `note_search` MATCH '{facets} : "n' || hex(old.id) || '"';
END;
--> statement-breakpoint
INSERT INTO `note_search` (note_id, title, body, facets) SELECT * FROM `note_search_source`;
--> statement-breakpoint
-- People by name (weighted) and bio, with the same CJK split; u<user id hex> finds a person's row.
CREATE VIRTUAL TABLE `user_search` USING fts5(
	user_id UNINDEXED,
	display_name,
	bio,
	facets,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
--> statement-breakpoint
CREATE VIEW `user_search_source` AS
SELECT
	u.id AS user_id,
	CASE WHEN length(u.display_name) = length(CAST(u.display_name AS BLOB)) THEN u.display_name ELSE coalesce((
		SELECT group_concat(CASE WHEN unicode(c) BETWEEN 12352 AND 12543 OR unicode(c) BETWEEN 13312 AND 19903 OR unicode(c) BETWEEN 19968 AND 40959
				OR unicode(c) BETWEEN 63744 AND 64255 OR unicode(c) BETWEEN 131072 AND 201551
			THEN char(8203) || c || char(8203) ELSE c END, '' ORDER BY k)
		FROM (SELECT key AS k, substr(u.display_name, key + 1, 1) AS c
			FROM json_each('[' || rtrim(replace(hex(zeroblob(length(u.display_name))), '00', '0,'), ',') || ']'))
		WHERE c NOT IN (char(57344), char(57345))), '') END AS display_name,
	CASE WHEN length(u.bio) = length(CAST(u.bio AS BLOB)) THEN u.bio ELSE coalesce((
		SELECT group_concat(CASE WHEN unicode(c) BETWEEN 12352 AND 12543 OR unicode(c) BETWEEN 13312 AND 19903 OR unicode(c) BETWEEN 19968 AND 40959
				OR unicode(c) BETWEEN 63744 AND 64255 OR unicode(c) BETWEEN 131072 AND 201551
			THEN char(8203) || c || char(8203) ELSE c END, '' ORDER BY k)
		FROM (SELECT key AS k, substr(u.bio, key + 1, 1) AS c
			FROM json_each('[' || rtrim(replace(hex(zeroblob(length(u.bio))), '00', '0,'), ',') || ']'))
		WHERE c NOT IN (char(57344), char(57345))), '') END AS bio,
	'u' || hex(u.id) AS facets
FROM `users` u;
--> statement-breakpoint
CREATE TRIGGER `user_search_after_insert` AFTER INSERT ON `users` BEGIN
	INSERT INTO `user_search` (user_id, display_name, bio, facets)
	SELECT * FROM `user_search_source` WHERE user_id = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `user_search_after_update` AFTER UPDATE OF id, display_name, bio ON `users`
WHEN old.id IS NOT new.id OR old.display_name IS NOT new.display_name OR old.bio IS NOT new.bio BEGIN
	DELETE FROM `user_search` WHERE `user_search` MATCH '{facets} : "u' || hex(old.id) || '"';
	INSERT INTO `user_search` (user_id, display_name, bio, facets)
	SELECT * FROM `user_search_source` WHERE user_id = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `user_search_after_delete` AFTER DELETE ON `users` BEGIN
	DELETE FROM `user_search` WHERE `user_search` MATCH '{facets} : "u' || hex(old.id) || '"';
END;
--> statement-breakpoint
INSERT INTO `user_search` (user_id, display_name, bio, facets) SELECT * FROM `user_search_source`;
--> statement-breakpoint
-- How many public, unhidden notes carry each #topic: what topic search offers and counts, and what
-- trending may show. Notes nobody else may see never make a topic known. A topic leaves at zero.
CREATE TABLE `topic_counts` (
	`topic` text PRIMARY KEY NOT NULL,
	`notes` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TRIGGER `topic_counts_topic_insert` AFTER INSERT ON `note_topics`
WHEN EXISTS (SELECT 1 FROM `notes` WHERE id = new.note_id AND visibility = 'public' AND hidden_at IS NULL) BEGIN
	INSERT INTO `topic_counts` (`topic`, `notes`) VALUES (new.topic, 1)
	ON CONFLICT (`topic`) DO UPDATE SET `notes` = `notes` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `topic_counts_topic_delete` AFTER DELETE ON `note_topics`
WHEN EXISTS (SELECT 1 FROM `notes` WHERE id = old.note_id AND visibility = 'public' AND hidden_at IS NULL) BEGIN
	UPDATE `topic_counts` SET `notes` = `notes` - 1 WHERE `topic` = old.topic;
	DELETE FROM `topic_counts` WHERE `topic` = old.topic AND `notes` <= 0;
END;
--> statement-breakpoint
-- A cascade deletes the note row before its note_topics rows, so the delete trigger above would no
-- longer find the note; removing the topics first, while the note exists, keeps the count exact.
CREATE TRIGGER `topic_counts_before_note_delete` BEFORE DELETE ON `notes` BEGIN
	DELETE FROM `note_topics` WHERE note_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `topic_counts_note_listing` AFTER UPDATE OF visibility, hidden_at ON `notes`
WHEN (old.visibility = 'public' AND old.hidden_at IS NULL) IS NOT (new.visibility = 'public' AND new.hidden_at IS NULL)
BEGIN
	INSERT INTO `topic_counts` (`topic`, `notes`)
	SELECT topic, CASE WHEN new.visibility = 'public' AND new.hidden_at IS NULL THEN 1 ELSE -1 END
	FROM `note_topics` WHERE note_id = new.id AND true
	ON CONFLICT (`topic`) DO UPDATE SET `notes` = `notes` + excluded.notes;
	DELETE FROM `topic_counts` WHERE `notes` <= 0
		AND `topic` IN (SELECT topic FROM `note_topics` WHERE note_id = new.id);
END;
--> statement-breakpoint
INSERT INTO `topic_counts` (`topic`, `notes`)
SELECT nt.topic, count(*) FROM `note_topics` nt JOIN `notes` n ON n.id = nt.note_id
WHERE n.visibility = 'public' AND n.hidden_at IS NULL
GROUP BY nt.topic;
--> statement-breakpoint
-- The expert directory's snippets use the same markers now (search-experts.ts), so its indexed text
-- drops them too: the view of 0010_expert_search_facets.sql with U+E000/U+E001 removed from each
-- text column, then one rebuild of the index through it. Its triggers read the view by name.
DROP VIEW `expert_search_source`;
--> statement-breakpoint
CREATE VIEW `expert_search_source` AS
SELECT
	ep.user_id AS user_id,
	replace(replace(u.display_name, char(57344), ''), char(57345), '') AS display_name,
	replace(replace(ep.headline, char(57344), ''), char(57345), '') AS headline,
	replace(replace(ep.company, char(57344), ''), char(57345), '') AS company,
	replace(replace(ep.industry, char(57344), ''), char(57345), '') AS industry,
	(SELECT coalesce(group_concat(replace(replace(value, char(57344), ''), char(57345), ''), ', '), '') FROM json_each(ep.skills)) AS skills,
	(SELECT coalesce(group_concat(replace(replace(value, char(57344), ''), char(57345), ''), ', '), '') FROM json_each(ep.topics)) AS topics,
	replace(replace(u.bio, char(57344), ''), char(57345), '') AS bio,
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
DELETE FROM `expert_search`;
--> statement-breakpoint
INSERT INTO `expert_search` (user_id, display_name, headline, company, industry, skills, topics, bio, facets)
SELECT * FROM `expert_search_source`;
