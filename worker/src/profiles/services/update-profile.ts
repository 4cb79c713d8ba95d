import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { campuses, users } from "../../identity/schema";
import type { ActionContext } from "../../shared/context";
import { BadRequest, Forbidden, Unauthorized } from "../../shared/errors";
import { type AvailabilityWindow, clubProfiles, expertProfiles, studentProfiles } from "../schema";
import { normalCompany, vetByWorkDomain } from "./expert-vetting";
import { loadProfile } from "./load-profile";

export interface ProfilePatch {
  displayName?: string;
  bio?: string;
  campusId?: string | null;
  expert?: Partial<{
    headline: string;
    company: string;
    industry: string;
    skills: string[];
    topics: string[];
    yearsExperience: number;
    availability: AvailabilityWindow[];
    acceptingInvitations: boolean;
    campusTies: string[];
  }>;
  student?: Partial<{ major: string; year: number | null; interests: string[] }>;
  club?: Partial<{ name: string; description: string; officers: { userId: string; title: string }[] }>;
}

/** Refuses a patch the signed-in user may not make, before anything is written. */
export async function checkProfilePatch(ctx: ActionContext, input: ProfilePatch) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const { db } = ctx;
  const sections = { expert: input.expert, student: input.student, club: input.club };
  for (const [role, section] of Object.entries(sections)) {
    if (section && role !== actor.role) throw new Forbidden(`Only ${role} accounts have ${role} fields.`);
  }
  if (input.campusId !== undefined && input.campusId !== actor.campusId) {
    if (actor.campusVerified) throw new Forbidden("Your campus comes from your verified campus e-mail.");
    if (input.campusId !== null) {
      const campus = await db
        .select({ id: campuses.id })
        .from(campuses)
        .where(eq(campuses.id, input.campusId))
        .get();
      if (!campus) throw new BadRequest("Unknown campus.", { field: "campusId" });
    }
  }
}

/**
 * Writes a checked patch (`checkProfilePatch`) to the signed-in user's own profile in one batch,
 * then invalidates its cache entry. A club's officer list is not written here: officers are asked
 * (clubs/), never appointed.
 */
export async function writeProfile({ ctx, input }: { ctx: ActionContext; input: ProfilePatch }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const { db } = ctx;
  const companyBefore =
    input.expert?.company !== undefined
      ? await db
          .select({ company: expertProfiles.company })
          .from(expertProfiles)
          .where(eq(expertProfiles.userId, actor.id))
          .get()
      : undefined;

  const now = Date.now();
  const statements: BatchItem<"sqlite">[] = [
    db
      .update(users)
      .set({
        ...(input.displayName !== undefined ? { displayName: input.displayName.trim() } : {}),
        ...(input.bio !== undefined ? { bio: input.bio } : {}),
        ...(input.campusId !== undefined && !actor.campusVerified ? { campusId: input.campusId } : {}),
        updatedAt: now,
      })
      .where(eq(users.id, actor.id)),
  ];
  if (input.expert) {
    statements.push(
      db
        .update(expertProfiles)
        .set({ ...input.expert, updatedAt: now })
        .where(eq(expertProfiles.userId, actor.id)),
    );
  }
  if (input.student) {
    statements.push(
      db
        .update(studentProfiles)
        .set({ ...input.student, updatedAt: now })
        .where(eq(studentProfiles.userId, actor.id)),
    );
  }
  if (input.club) {
    const { officers: _o, ...fields } = input.club;
    statements.push(
      db
        .update(clubProfiles)
        .set({ ...fields, updatedAt: now })
        .where(eq(clubProfiles.userId, actor.id)),
    );
  }
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  // The stated company decides the vetting (expert-vetting.ts).
  if (input.expert?.company !== undefined) {
    const companyChanged =
      normalCompany(companyBefore?.company ?? "") !== normalCompany(input.expert.company);
    await vetByWorkDomain(ctx, actor.id, { companyChanged });
  }
  return loadProfile(db, actor.id);
}
