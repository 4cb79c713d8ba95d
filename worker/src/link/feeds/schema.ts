import { foreignKey, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "../../db/columns";
import { users } from "../../identity/schema";
import { follows } from "../engagement/schema";
import { notes } from "../notes/schema";

/**
 * "Not interested" on a note in the discovery feed. The note never comes back to that reader; its
 * author and its topics are down-weighted for them, derived at read time from their latest rows
 * (services/discover-feed.ts). `author_id` is copied so the author signal needs no join.
 */
export const notInterested = sqliteTable(
  "not_interested",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    noteId: text("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.noteId] }),
    index("not_interested_user_idx").on(t.userId, t.createdAt),
  ],
);

/**
 * The note a follow came from, when the client says so (`PUT /api/follows/{id}?fromNoteId=`). One
 * row per follow, removed with it (unfollowing takes the credit back); triggers keep
 * `note_counts.follows_gained` exact, the strongest engagement signal of the discovery ranking.
 */
export const followSources = sqliteTable(
  "follow_sources",
  {
    followerId: text("follower_id").notNull(),
    followeeId: text("followee_id").notNull(),
    noteId: text("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.followerId, t.followeeId] }),
    foreignKey({
      columns: [t.followerId, t.followeeId],
      foreignColumns: [follows.followerId, follows.followeeId],
    }).onDelete("cascade"),
    index("follow_sources_note_idx").on(t.noteId),
  ],
);

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
