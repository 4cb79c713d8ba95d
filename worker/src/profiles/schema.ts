import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { flag, instant, json } from "../db/columns";
import { users } from "../identity/schema";

/** A weekly window in the expert's own zone, e.g. Tuesdays 19:00–21:00 Asia/Singapore. */
export interface AvailabilityWindow {
  weekday: number;
  start: string;
  end: string;
  timeZone: string;
}

/**
 * An expert's vetting: `unverified` until an admin approves (`verified`) or rejects them, or their
 * verified work e-mail's domain is on record for the company they state (`company_domains`).
 */
export const EXPERT_VERIFICATION = ["unverified", "verified", "rejected"] as const;
export type ExpertVerification = (typeof EXPERT_VERIFICATION)[number];

export const expertProfiles = sqliteTable(
  "expert_profiles",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    headline: text("headline").notNull().default(""),
    company: text("company").notNull().default(""),
    industry: text("industry").notNull().default(""),
    skills: json<string[]>("skills").notNull().default([]),
    topics: json<string[]>("topics").notNull().default([]),
    yearsExperience: integer("years_experience").notNull().default(0),
    availability: json<AvailabilityWindow[]>("availability").notNull().default([]),
    acceptingInvitations: flag("accepting_invitations").notNull().default(true),
    /** Campuses the expert has ties to (alma mater, past talks): directory filter "campus ties". */
    campusTies: json<string[]>("campus_ties").notNull().default([]),
    /**
     * The user's display name, kept here by triggers (migrations/0007) so the directory can walk
     * one index in name order, per industry or overall, instead of joining and sorting.
     */
    sortName: text("sort_name").notNull().default(""),
    updatedAt: instant("updated_at").notNull(),
    verification: text("verification", { enum: EXPERT_VERIFICATION }).notNull().default("unverified"),
    /** Who decided: `admin:<user id>` or `domain:<mail domain>`. */
    verifiedBy: text("verified_by"),
    verificationAt: instant("verification_at"),
  },
  (t) => [
    index("expert_profiles_industry_idx").on(t.industry),
    index("expert_profiles_verification_idx").on(t.verification, t.updatedAt, t.userId),
  ],
);

/** Work mail domains on record for a company; a subdomain matches its parent, as for campuses. */
export const companyDomains = sqliteTable("company_domains", {
  domain: text("domain").primaryKey(),
  company: text("company").notNull(),
});

export const studentProfiles = sqliteTable("student_profiles", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  major: text("major").notNull().default(""),
  year: integer("year"),
  interests: json<string[]>("interests").notNull().default([]),
  updatedAt: instant("updated_at").notNull(),
});

export const clubProfiles = sqliteTable("club_profiles", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  name: text("name").notNull().default(""),
  description: text("description").notNull().default(""),
  updatedAt: instant("updated_at").notNull(),
});
