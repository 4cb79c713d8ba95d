-- Issue 15: each user's second-degree experts with their mutual-connection counts, kept up to date by
-- triggers in the same statement as the edge write, so the read is one primary-key range (docs/network.md).
-- A row (user, expert, n) means n of the user's connections are connected to the expert (role 'expert').
-- The count ignores direct connections and blocks: the read leaves those out (a user's list is small).
CREATE TABLE `second_degree_experts` (
	`user_id` text NOT NULL,
	`expert_id` text NOT NULL,
	`mutuals` integer NOT NULL,
	PRIMARY KEY(`user_id`, `expert_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `second_degree_experts` (`user_id`, `expert_id`, `mutuals`)
SELECT e1.user_id, e2.peer_id, count(*)
FROM `connections` e1
JOIN `connections` e2 ON e2.user_id = e1.peer_id
JOIN `users` t ON t.id = e2.peer_id
WHERE t.role = 'expert' AND e2.peer_id <> e1.user_id
GROUP BY e1.user_id, e2.peer_id;
--> statement-breakpoint
-- One direction of an edge (user -> peer) is written: every path it completes gains one mutual.
-- As the first hop: the user now reaches the peer's expert connections through the peer.
-- As the second hop: everyone connected to the user now reaches the peer (an expert) through the user.
CREATE TRIGGER `second_degree_experts_after_connect` AFTER INSERT ON `connections` BEGIN
	INSERT INTO `second_degree_experts` (`user_id`, `expert_id`, `mutuals`)
	SELECT new.user_id, c.peer_id, 1 FROM `connections` c JOIN `users` t ON t.id = c.peer_id
	WHERE c.user_id = new.peer_id AND c.peer_id <> new.user_id AND t.role = 'expert'
	ON CONFLICT (`user_id`, `expert_id`) DO UPDATE SET `mutuals` = `mutuals` + 1;
	INSERT INTO `second_degree_experts` (`user_id`, `expert_id`, `mutuals`)
	SELECT c.user_id, new.peer_id, 1 FROM `connections` c
	WHERE c.peer_id = new.user_id AND c.user_id <> new.peer_id
		AND (SELECT `role` FROM `users` WHERE `id` = new.peer_id) = 'expert'
	ON CONFLICT (`user_id`, `expert_id`) DO UPDATE SET `mutuals` = `mutuals` + 1;
END;
--> statement-breakpoint
-- The same paths lose one mutual when a direction is deleted (disconnect, block, account deletion's
-- cascade); a count that reaches zero removes its row.
CREATE TRIGGER `second_degree_experts_after_disconnect` AFTER DELETE ON `connections` BEGIN
	UPDATE `second_degree_experts` SET `mutuals` = `mutuals` - 1
	WHERE `user_id` = old.user_id
		AND `expert_id` IN (SELECT peer_id FROM `connections` WHERE user_id = old.peer_id AND peer_id <> old.user_id);
	DELETE FROM `second_degree_experts`
	WHERE `user_id` = old.user_id AND `mutuals` <= 0
		AND `expert_id` IN (SELECT peer_id FROM `connections` WHERE user_id = old.peer_id AND peer_id <> old.user_id);
	UPDATE `second_degree_experts` SET `mutuals` = `mutuals` - 1
	WHERE `expert_id` = old.peer_id
		AND `user_id` IN (SELECT user_id FROM `connections` WHERE peer_id = old.user_id AND user_id <> old.peer_id);
	DELETE FROM `second_degree_experts`
	WHERE `expert_id` = old.peer_id AND `mutuals` <= 0
		AND `user_id` IN (SELECT user_id FROM `connections` WHERE peer_id = old.user_id AND user_id <> old.peer_id);
END;
--> statement-breakpoint
-- Becoming an expert adds the person to the lists of everyone two hops away (degree² rows at most);
-- ceasing to be one removes them from those lists.
CREATE TRIGGER `second_degree_experts_after_role` AFTER UPDATE OF `role` ON `users`
WHEN (old.role = 'expert') IS NOT (new.role = 'expert') BEGIN
	DELETE FROM `second_degree_experts`
	WHERE old.role = 'expert' AND `expert_id` = old.id
		AND `user_id` IN (
			SELECT c2.peer_id FROM `connections` c1 JOIN `connections` c2 ON c2.user_id = c1.peer_id
			WHERE c1.user_id = old.id
		);
	INSERT INTO `second_degree_experts` (`user_id`, `expert_id`, `mutuals`)
	SELECT c2.peer_id, new.id, count(*) FROM `connections` c1 JOIN `connections` c2 ON c2.user_id = c1.peer_id
	WHERE new.role = 'expert' AND c1.user_id = new.id AND c2.peer_id <> new.id
	GROUP BY c2.peer_id
	ON CONFLICT (`user_id`, `expert_id`) DO UPDATE SET `mutuals` = excluded.mutuals;
END;
--> statement-breakpoint
-- A deleted account's own list goes with it (its connections' cascade has already emptied it).
CREATE TRIGGER `second_degree_experts_after_user_delete` AFTER DELETE ON `users` BEGIN
	DELETE FROM `second_degree_experts` WHERE `user_id` = old.id;
END;
