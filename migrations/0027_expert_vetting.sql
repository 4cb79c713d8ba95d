-- Experts are vetted (issue 12). A self-registered expert is `unverified` until an admin approves them
-- (`verified`, or `rejected`) or their verified work e-mail's domain is a company domain on record for
-- the company their profile states (`company_domains`, kept by admins like `campus_domains`).
-- Existing experts start unverified: nobody has vetted them yet; the admin queue lists them.
ALTER TABLE `expert_profiles` ADD `verification` text DEFAULT 'unverified' NOT NULL;
--> statement-breakpoint
-- Who decided: `admin:<user id>` or `domain:<mail domain>`.
ALTER TABLE `expert_profiles` ADD `verified_by` text;
--> statement-breakpoint
ALTER TABLE `expert_profiles` ADD `verification_at` integer;
--> statement-breakpoint
-- The admin queue: unverified experts, the longest waiting first.
CREATE INDEX `expert_profiles_verification_idx` ON `expert_profiles` (`verification`, `updated_at`, `user_id`);
--> statement-breakpoint
CREATE TABLE `company_domains` (
	`domain` text PRIMARY KEY NOT NULL,
	`company` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `company_domains` (`domain`, `company`) VALUES
	('grab.com', 'Grab'),
	('petronas.com', 'PETRONAS'),
	('maybank.com', 'Maybank'),
	('shopee.com', 'Shopee'),
	('sea.com', 'Sea'),
	('airasia.com', 'AirAsia'),
	('google.com', 'Google'),
	('microsoft.com', 'Microsoft');
--> statement-breakpoint
-- The directory hides unverified experts by default, filtering inside FTS5 like its other filters:
-- the facets gain `v1` (verified) or `v0`. The view is redefined, the update trigger follows the new
-- column, and the index is rebuilt once.
DROP TRIGGER IF EXISTS `expert_search_after_update`;
--> statement-breakpoint
DROP VIEW IF EXISTS `expert_search_source`;
--> statement-breakpoint
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
		|| ' v' || (ep.verification = 'verified')
		|| ' ' || (SELECT coalesce(group_concat(DISTINCT 'w' || json_extract(value, '$.weekday')), '') FROM json_each(ep.availability))
		AS facets
FROM `expert_profiles` ep JOIN `users` u ON u.id = ep.user_id;
--> statement-breakpoint
CREATE TRIGGER `expert_search_after_update`
AFTER UPDATE OF user_id, headline, company, industry, skills, topics, campus_ties, accepting_invitations, availability, verification
ON `expert_profiles` BEGIN
	DELETE FROM `expert_search` WHERE `expert_search` MATCH '{facets} : "u' || replace(old.user_id, '-', '') || '"';
	INSERT INTO `expert_search` (user_id, display_name, headline, company, industry, skills, topics, bio, facets)
	SELECT * FROM `expert_search_source` WHERE user_id = new.user_id;
END;
--> statement-breakpoint
DELETE FROM `expert_search`;
--> statement-breakpoint
INSERT INTO `expert_search` (user_id, display_name, headline, company, industry, skills, topics, bio, facets)
SELECT * FROM `expert_search_source`;
