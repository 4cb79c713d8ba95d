import { eq } from "drizzle-orm";
import { vetByWorkDomain } from "../../profiles/services/expert-vetting";
import { invalidateProfile } from "../../profiles/services/profile-cache";
import type { ActionContext } from "../../shared/context";
import { BadRequest } from "../../shared/errors";
import { users } from "../schema";
import { campusForEmail } from "./campus-for-email";
import { consumeEmailToken } from "./email-tokens";

/** A verified campus address gives the account its campus and the verified badge. */
export async function verifyEmail({ ctx, input }: { ctx: ActionContext; input: { token: string } }) {
  const userId = await consumeEmailToken(ctx.db, input.token, "verify");
  if (!userId) throw new BadRequest("This link is invalid, expired or already used.", { field: "token" });
  const user = await ctx.db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw new BadRequest("This link is invalid, expired or already used.", { field: "token" });
  const campusId = await campusForEmail(ctx.db, user.email);
  await ctx.db
    .update(users)
    .set({
      emailVerifiedAt: user.emailVerifiedAt ?? Date.now(),
      ...(campusId ? { campusId, campusVerified: true } : {}),
      updatedAt: Date.now(),
    })
    .where(eq(users.id, userId));
  await invalidateProfile(ctx, userId);
  // A verified work address may vet an expert by its company domain.
  if (user.role === "expert") await vetByWorkDomain(ctx, userId);
  return { verified: true, campusId, campusVerified: campusId !== null };
}
