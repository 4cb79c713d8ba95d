import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id, instant } from "../db/columns";
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

export const REQUEST_STATUSES = ["pending", "accepted", "declined", "withdrawn"] as const;

/** A request to connect; accepting it writes the connection (both directions). */
export const connectionRequests = sqliteTable(
  "connection_requests",
  {
    id: id(),
    fromId: text("from_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    toId: text("to_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    message: text("message"),
    status: text("status", { enum: REQUEST_STATUSES }).notNull().default("pending"),
    createdAt: createdAt(),
    answeredAt: instant("answered_at"),
  },
  (t) => [
    index("connection_requests_to_idx").on(t.toId, t.status, t.createdAt),
    index("connection_requests_from_idx").on(t.fromId, t.status, t.createdAt),
    // One open request per pair and direction.
    uniqueIndex("connection_requests_pending_idx").on(t.fromId, t.toId).where(sql`${t.status} = 'pending'`),
  ],
);

/** A block hides each from the other's network results, both ways. */
export const blocks = sqliteTable(
  "blocks",
  {
    blockerId: text("blocker_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    blockedId: text("blocked_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index("blocks_blocked_idx").on(t.blockedId)],
);

/**
 * Each user's second-degree experts with their mutual-connection counts, maintained by triggers on
 * `connections` and `users.role` in the same statement as the write (migrations/0034). Direct
 * connections and blocks are left out at read time (network/second-degree-set.ts).
 */
export const secondDegreeExperts = sqliteTable(
  "second_degree_experts",
  {
    userId: text("user_id").notNull(),
    expertId: text("expert_id").notNull(),
    mutuals: integer("mutuals").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.expertId] })],
);
