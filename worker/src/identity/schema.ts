import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, flag, id, instant } from "../db/columns";

export const ROLES = ["student", "expert", "club", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const campuses = sqliteTable("campuses", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  country: text("country").notNull(),
  timeZone: text("time_zone").notNull().default("Asia/Kuala_Lumpur"),
});

/** Mail domains that prove membership of a campus; subdomains (e.g. siswa.um.edu.my) match their parent. */
export const campusDomains = sqliteTable("campus_domains", {
  domain: text("domain").primaryKey(),
  campusId: text("campus_id")
    .notNull()
    .references(() => campuses.id),
});

export const users = sqliteTable(
  "users",
  {
    id: id(),
    email: text("email").notNull().unique(),
    passwordHash: text("password_hash").notNull(),
    displayName: text("display_name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    bio: text("bio").notNull().default(""),
    campusId: text("campus_id").references(() => campuses.id),
    campusVerified: flag("campus_verified").notNull().default(false),
    emailVerifiedAt: instant("email_verified_at"),
    avatarKey: text("avatar_key"),
    createdAt: createdAt(),
    updatedAt: instant("updated_at")
      .notNull()
      .$defaultFn(() => Date.now()),
  },
  (t) => [index("users_campus_idx").on(t.campusId, t.role)],
);
export type User = typeof users.$inferSelect;

/** Server-side sessions. The id is the SHA-256 of the cookie token, so a leaked table cannot be replayed. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    lastSeenAt: instant("last_seen_at").notNull(),
    expiresAt: instant("expires_at").notNull(),
    userAgent: text("user_agent").notNull().default(""),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);
export type Session = typeof sessions.$inferSelect;

/** Single-use tokens sent by mail (verification, password reset); stored hashed. */
export const emailTokens = sqliteTable(
  "email_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["verify", "reset"] }).notNull(),
    expiresAt: instant("expires_at").notNull(),
    usedAt: instant("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("email_tokens_user_idx").on(t.userId, t.purpose),
    index("email_tokens_expires_idx").on(t.expiresAt),
  ],
);
