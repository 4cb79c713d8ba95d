import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "../identity/schema";

/**
 * When each person last read their following feed, written at most once an hour. Fan-out writes
 * only into the timelines of followers active in the last days (Mastodon's rule), so an author's
 * note costs one store write per reader who will look, not per follower who left.
 * Fan-out looks each follower up by primary key, so no other index is needed.
 */
export const feedActivity = sqliteTable("feed_activity", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  activeAt: integer("active_at", { mode: "number" }).notNull(),
});
