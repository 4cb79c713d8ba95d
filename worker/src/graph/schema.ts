import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt } from "../db/columns";
import { users } from "../identity/schema";

/** Where a connection comes from: asked and accepted, or known from activity on the platform. */
export const EDGE_SOURCES = ["connection", "mutual-follow", "club", "session"] as const;

/**
 * Undirected connections, stored once per direction so that "my connections" and "their
 * connections" are both an index range scan: a two-hop query reads about degree² rows.
 */
export const connections = sqliteTable(
  "connections",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    peerId: text("peer_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    source: text("source", { enum: EDGE_SOURCES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.peerId] }), index("connections_peer_idx").on(t.peerId)],
);
