import { eq, sql } from "drizzle-orm";
import { clubOfficers } from "../../clubs/schema";
import type { Db } from "../../db/client";
import { campuses, type Role, users } from "../../identity/schema";
import {
  type AvailabilityWindow,
  clubProfiles,
  type ExpertVerification,
  expertProfiles,
  studentProfiles,
} from "../schema";

export interface PublicProfile {
  id: string;
  displayName: string;
  role: Role;
  bio: string;
  avatarUrl: string | null;
  campus: { id: string; name: string } | null;
  campusVerified: boolean;
  joinedAt: string;
  expert?: {
    headline: string;
    company: string;
    industry: string;
    skills: string[];
    topics: string[];
    yearsExperience: number;
    availability: AvailabilityWindow[];
    acceptingInvitations: boolean;
    campusTies: string[];
    /** Shown as a label wherever the expert appears: anything but `verified` reads "unverified". */
    verification: ExpertVerification;
  };
  student?: { major: string; year: number | null; interests: string[] };
  club?: {
    name: string;
    description: string;
    officers: { id: string; displayName: string; title: string }[];
  };
}

export const avatarUrl = (key: string | null) => (key ? `/api/avatars/${key}` : null);

/** The public view of an account, assembled from D1 in one round trip. */
export async function loadProfile(db: Db, userId: string): Promise<PublicProfile | null> {
  const [base, expert, student, club, officers] = await db.batch([
    db
      // D1 batches return rows keyed by column name, so the campus id needs its own name.
      .select({
        user: users,
        campus: { id: sql<string>`${campuses.id}`.as("campus_ref_id"), name: campuses.name },
      })
      .from(users)
      .leftJoin(campuses, eq(campuses.id, users.campusId))
      .where(eq(users.id, userId)),
    db.select().from(expertProfiles).where(eq(expertProfiles.userId, userId)),
    db.select().from(studentProfiles).where(eq(studentProfiles.userId, userId)),
    db.select().from(clubProfiles).where(eq(clubProfiles.userId, userId)),
    db
      .select({ id: users.id, displayName: users.displayName, title: clubOfficers.title })
      .from(clubOfficers)
      .innerJoin(users, eq(users.id, clubOfficers.userId))
      .where(eq(clubOfficers.clubId, userId)),
  ]);
  const row = base[0];
  if (!row) return null;
  const { user } = row;
  const profile: PublicProfile = {
    id: user.id,
    displayName: user.displayName,
    role: user.role,
    bio: user.bio,
    avatarUrl: avatarUrl(user.avatarKey),
    campus: row.campus?.id ? row.campus : null,
    campusVerified: user.campusVerified,
    joinedAt: new Date(user.createdAt).toISOString(),
  };
  const e = expert[0];
  if (user.role === "expert" && e) {
    // Who vetted them, and when, is for admins.
    const { userId: _u, updatedAt: _t, sortName: _s, verifiedBy: _b, verificationAt: _a, ...fields } = e;
    profile.expert = fields;
  }
  const s = student[0];
  if (user.role === "student" && s)
    profile.student = { major: s.major, year: s.year, interests: s.interests };
  const c = club[0];
  if (user.role === "club" && c) profile.club = { name: c.name, description: c.description, officers };
  return profile;
}
