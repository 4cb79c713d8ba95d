import { sql } from "drizzle-orm";
import { index, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id, instant } from "../db/columns";
import { users } from "../identity/schema";

export const ROOM_KINDS = ["campus", "topic", "club", "dm"] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

/**
 * A live room. The id says what it is: `campus:<campusId>`, `topic:<slug>`, `club:<clubUserId>`
 * or `dm:<userIdA>:<userIdB>` (the two ids sorted). Its messages live in its Durable Object.
 */
export const rooms = sqliteTable(
  "rooms",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ROOM_KINDS }).notNull(),
    title: text("title").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("rooms_kind_idx").on(t.kind)],
);

export const ROOM_ROLES = ["member", "moderator"] as const;

/** Who joined which room; a moderator may mute members. A mute ends at `muted_until`. */
export const roomMembers = sqliteTable(
  "room_members",
  {
    roomId: text("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ROOM_ROLES }).notNull().default("member"),
    mutedUntil: instant("muted_until"),
    joinedAt: instant("joined_at")
      .notNull()
      .$defaultFn(() => Date.now()),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("room_members_user_idx").on(t.userId)],
);
export type RoomMember = typeof roomMembers.$inferSelect;

export const MESSAGE_REQUEST_STATUSES = ["pending", "accepted", "declined"] as const;

/** A first message to someone you may not yet write to; accepting it opens the direct room. */
export const messageRequests = sqliteTable(
  "message_requests",
  {
    id: id(),
    fromId: text("from_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    toId: text("to_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    text: text("text").notNull(),
    status: text("status", { enum: MESSAGE_REQUEST_STATUSES }).notNull().default("pending"),
    createdAt: createdAt(),
    answeredAt: instant("answered_at"),
  },
  (t) => [
    index("message_requests_to_idx").on(t.toId, t.status, t.createdAt),
    index("message_requests_from_idx").on(t.fromId, t.status, t.createdAt),
    // One open request per pair and direction.
    uniqueIndex("message_requests_pending_idx").on(t.fromId, t.toId).where(sql`${t.status} = 'pending'`),
  ],
);
export type MessageRequest = typeof messageRequests.$inferSelect;
