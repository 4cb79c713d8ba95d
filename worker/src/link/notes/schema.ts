import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, id, instant } from "../../db/columns";
import { campuses, users } from "../../identity/schema";

/** Who may see a note: anyone, the author's campus, the author's followers, or the author alone. */
export const NOTE_VISIBILITIES = ["public", "campus", "followers", "private"] as const;
export type NoteVisibility = (typeof NOTE_VISIBILITIES)[number];

/** A RedNote-style image note. The body is plain text; its #topics and mentions are kept in their own tables. */
export const notes = sqliteTable(
  "notes",
  {
    id: id(),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The author's campus when the note was posted; `campus` visibility compares against it. */
    campusId: text("campus_id").references(() => campuses.id),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    visibility: text("visibility", { enum: NOTE_VISIBILITIES }).notNull(),
    createdAt: createdAt(),
    editedAt: instant("edited_at"),
    /** Set when reports reach the threshold or an admin hides it; only the author and admins see it then. */
    hiddenAt: instant("hidden_at"),
  },
  (t) => [
    index("notes_author_idx").on(t.authorId, t.createdAt, t.id),
    index("notes_created_idx").on(t.createdAt, t.id),
  ],
);
export type Note = typeof notes.$inferSelect;

/** Lowercased #topics of a note; `created_at` is the note's, so a topic page walks one index newest first. */
export const noteTopics = sqliteTable(
  "note_topics",
  {
    noteId: text("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    topic: text("topic").notNull(),
    createdAt: instant("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.noteId, t.topic] }),
    index("note_topics_topic_idx").on(t.topic, t.createdAt),
  ],
);

/** Users a note mentions, by id (the client picks them; the body keeps the @text as written). */
export const noteMentions = sqliteTable(
  "note_mentions",
  {
    noteId: text("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.noteId, t.userId] }), index("note_mentions_user_idx").on(t.userId)],
);

/**
 * An uploaded image: the original and the browser-made display version, both in R2 under random
 * keys. Uploaded first, attached to a note (`note_id`, `position`) when the note is created.
 */
export const noteImages = sqliteTable(
  "note_images",
  {
    id: id(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    contentType: text("content_type").notNull(),
    displayKey: text("display_key").notNull(),
    displayContentType: text("display_content_type").notNull(),
    width: integer("width"),
    height: integer("height"),
    /** Size of the original in bytes. */
    bytes: integer("bytes").notNull(),
    displayBytes: integer("display_bytes").notNull(),
    createdAt: createdAt(),
    noteId: text("note_id").references(() => notes.id, { onDelete: "cascade" }),
    position: integer("position").notNull().default(0),
  },
  (t) => [
    index("note_images_note_idx").on(t.noteId, t.position),
    index("note_images_owner_idx").on(t.ownerId, t.createdAt),
  ],
);
export type NoteImage = typeof noteImages.$inferSelect;
