import { type AnySQLiteColumn, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, id, instant } from "../../db/columns";
import { users } from "../../identity/schema";
import { notes } from "../notes/schema";

/** One person following another. Counted into `user_counts` by triggers (migrations: follow counts). */
export const follows = sqliteTable(
  "follows",
  {
    followerId: text("follower_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    followeeId: text("followee_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.followerId, t.followeeId] }),
    index("follows_followee_idx").on(t.followeeId, t.createdAt),
    index("follows_follower_idx").on(t.followerId, t.createdAt),
  ],
);

/** Topics a person follows (lower-case, without `#`), for the discovery feed. */
export const topicFollows = sqliteTable(
  "topic_follows",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.topic] }), index("topic_follows_topic_idx").on(t.topic)],
);

/**
 * Exact follower/following counts, kept by AFTER INSERT/DELETE triggers on `follows` in the same
 * statement as the row, so a duplicate (ignored) insert never counts and concurrent follows all do.
 */
export const userCounts = sqliteTable(
  "user_counts",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    followers: integer("followers").notNull().default(0),
    following: integer("following").notNull().default(0),
  },
  // The following feed finds the few authors too big to fan out by range on this index.
  (t) => [index("user_counts_followers_idx").on(t.followers)],
);

/** A like on a note; counted into `note_counts.likes`. */
export const noteLikes = sqliteTable(
  "note_likes",
  {
    noteId: text("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.noteId, t.userId] }),
    index("note_likes_user_idx").on(t.userId, t.createdAt),
  ],
);

export const BOARD_VISIBILITIES = ["public", "private"] as const;

/** A named collection of notes; private boards are seen by their owner alone. */
export const boards = sqliteTable(
  "boards",
  {
    id: id(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    visibility: text("visibility", { enum: BOARD_VISIBILITIES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("boards_owner_idx").on(t.ownerId, t.createdAt)],
);
export type Board = typeof boards.$inferSelect;

/** A note collected into a board; each row counts once into `note_counts.collects`. */
export const boardNotes = sqliteTable(
  "board_notes",
  {
    boardId: text("board_id")
      .notNull()
      .references(() => boards.id, { onDelete: "cascade" }),
    noteId: text("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.boardId, t.noteId] }),
    index("board_notes_board_idx").on(t.boardId, t.createdAt),
    index("board_notes_note_idx").on(t.noteId),
  ],
);

/**
 * Comments two levels deep: a top-level comment (`parent_id` null) and its replies. A reply to a
 * reply is attached to the top-level comment. Deleting sets `deleted_at` (on the comment and, for
 * a top-level one, its replies); counts only include live comments.
 */
export const comments = sqliteTable(
  "comments",
  {
    id: id(),
    noteId: text("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    parentId: text("parent_id").references((): AnySQLiteColumn => comments.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    createdAt: createdAt(),
    deletedAt: instant("deleted_at"),
    /** Set when reports reach the threshold; only the comment's author and admins see it then. */
    hiddenAt: instant("hidden_at"),
  },
  (t) => [
    index("comments_note_idx").on(t.noteId, t.parentId, t.createdAt, t.id),
    index("comments_parent_idx").on(t.parentId, t.createdAt, t.id),
  ],
);
export type Comment = typeof comments.$inferSelect;

export const commentLikes = sqliteTable(
  "comment_likes",
  {
    commentId: text("comment_id")
      .notNull()
      .references(() => comments.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.commentId, t.userId] })],
);

/** Exact per-note counts, kept by triggers on note_likes, board_notes, comments (live ones) and follow_sources. */
export const noteCounts = sqliteTable("note_counts", {
  noteId: text("note_id")
    .primaryKey()
    .references(() => notes.id, { onDelete: "cascade" }),
  likes: integer("likes").notNull().default(0),
  collects: integer("collects").notNull().default(0),
  comments: integer("comments").notNull().default(0),
  /** Follows of the author made from this note (link/feeds/schema.ts `follow_sources`). */
  followsGained: integer("follows_gained").notNull().default(0),
});

/** Exact per-comment counts (likes, live replies), kept by triggers on comment_likes and comments. */
export const commentCounts = sqliteTable("comment_counts", {
  commentId: text("comment_id")
    .primaryKey()
    .references(() => comments.id, { onDelete: "cascade" }),
  likes: integer("likes").notNull().default(0),
  replies: integer("replies").notNull().default(0),
});
