import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { inJsonList } from "../../db/client";
import { users } from "../../identity/schema";
import { type ActionContext, me } from "../../shared/context";
import { Forbidden, NotFound } from "../../shared/errors";
import { companyDomains, type ExpertVerification, expertProfiles } from "../schema";

/**
 * Vetting experts. A self-registered expert is `unverified` until either
 * - an admin approves (`verified`) or rejects (`rejected`) them in the queue, or
 * - their account e-mail is verified and its domain (or a parent domain) is on record in
 *   `company_domains` for exactly the company their profile states (case and spaces ignored).
 *   The domain list is vetted by admins, so a mailbox at it proves the stated employer; a domain the
 *   expert names themselves (a website they give) would prove only that they own that domain.
 * A verification follows the stated company: changing it to another company makes the expert
 * unverified again (back in the admin queue) unless the work domain proves the new one; an admin's
 * approval vouched for the old company only. An admin's rejection stands until another admin decision.
 */
export async function vetByWorkDomain(
  ctx: ActionContext,
  userId: string,
  { companyChanged = false }: { companyChanged?: boolean } = {},
): Promise<void> {
  const [row] = await ctx.db
    .select({
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      company: expertProfiles.company,
      verification: expertProfiles.verification,
      verifiedBy: expertProfiles.verifiedBy,
    })
    .from(users)
    .innerJoin(expertProfiles, eq(expertProfiles.userId, users.id))
    .where(and(eq(users.id, userId), eq(users.role, "expert")));
  if (!row) return;
  if (row.verifiedBy?.startsWith("admin:") && (row.verification === "rejected" || !companyChanged)) return;
  const domain = row.emailVerifiedAt !== null ? await companyDomainOf(ctx, row.email, row.company) : null;
  const next: { verification: ExpertVerification; verifiedBy: string | null } = domain
    ? { verification: "verified", verifiedBy: `domain:${domain}` }
    : { verification: "unverified", verifiedBy: null };
  if (next.verification === row.verification && next.verifiedBy === row.verifiedBy) return;
  await ctx.db
    .update(expertProfiles)
    .set({ ...next, verificationAt: Date.now() })
    .where(eq(expertProfiles.userId, userId));
}

/** The company domain on record that the address belongs to and that names `company`, if any. */
async function companyDomainOf(ctx: Pick<ActionContext, "db">, email: string, company: string) {
  const host = email.split("@")[1]?.toLowerCase();
  const stated = normalCompany(company);
  if (!host || !stated) return null;
  const labels = host.split(".");
  // Parent domains only down to two labels: a bare TLD is never a company. At most a few labels are
  // bound (an address has a bounded host), so the list stays far under D1's 100 parameters.
  const candidates = labels.slice(0, Math.max(0, labels.length - 1)).map((_, i) => labels.slice(i).join("."));
  if (candidates.length === 0 || candidates.length > 20) return null;
  const rows = await ctx.db.select().from(companyDomains).where(inArray(companyDomains.domain, candidates));
  const match = rows
    .filter((r) => normalCompany(r.company) === stated)
    .sort((a, b) => b.domain.length - a.domain.length)[0];
  return match?.domain ?? null;
}

export const normalCompany = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();

export interface PendingExpert {
  id: string;
  displayName: string;
  email: string;
  emailVerified: boolean;
  headline: string;
  company: string;
  industry: string;
  joinedAt: string;
}

/** The admin queue: unverified experts, the longest waiting first. */
export async function pendingExperts({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { limit: number };
}): Promise<{ experts: PendingExpert[] }> {
  if (me(ctx).role !== "admin") throw new Forbidden("Admins only.");
  const rows = await ctx.db
    .select({
      id: users.id,
      displayName: users.displayName,
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      headline: expertProfiles.headline,
      company: expertProfiles.company,
      industry: expertProfiles.industry,
      createdAt: users.createdAt,
    })
    .from(expertProfiles)
    .innerJoin(users, eq(users.id, expertProfiles.userId))
    .where(and(eq(expertProfiles.verification, "unverified"), eq(users.role, "expert")))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(input.limit);
  return {
    experts: rows.map(({ emailVerifiedAt, createdAt, ...row }) => ({
      ...row,
      emailVerified: emailVerifiedAt !== null,
      joinedAt: new Date(createdAt).toISOString(),
    })),
  };
}

/** An admin approves or rejects an expert; either can be changed later by another decision. */
export async function decideExpert({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { expertId: string; decision: "verify" | "reject" };
}): Promise<{ id: string; verification: ExpertVerification }> {
  const admin = me(ctx);
  if (admin.role !== "admin") throw new Forbidden("Admins only.");
  const verification = input.decision === "verify" ? "verified" : "rejected";
  const [updated] = await ctx.db
    .update(expertProfiles)
    .set({ verification, verifiedBy: `admin:${admin.id}`, verificationAt: Date.now() })
    .where(
      and(
        eq(expertProfiles.userId, input.expertId),
        sql`exists (select 1 from ${users} where ${users.id} = ${expertProfiles.userId} and ${users.role} = 'expert')`,
      ),
    )
    .returning({ id: expertProfiles.userId });
  if (!updated) throw new NotFound("No such expert.");
  return { id: updated.id, verification };
}

/** Whether each of `userIds` is a verified expert (the contact matrix and labels ask this). */
export async function verifiedExperts(
  ctx: Pick<ActionContext, "db">,
  userIds: string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await ctx.db
    .select({ id: expertProfiles.userId })
    .from(expertProfiles)
    .where(and(inJsonList(expertProfiles.userId, userIds), eq(expertProfiles.verification, "verified")));
  return new Set(rows.map((r) => r.id));
}
