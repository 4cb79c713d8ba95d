import { eq } from "drizzle-orm";
import { invalidateProfile } from "../../profiles/services/profile-cache";
import type { ActionContext } from "../../shared/context";
import { BadRequest } from "../../shared/errors";
import { users } from "../schema";
import { campusForEmail } from "./campus-for-email";
import { consumeEmailToken, revokeEmailTokensQuery } from "./email-tokens";

/** A verified campus address gives the account its campus and the verified badge. */
export async function verifyEmail({ ctx, input }: { ctx: ActionContext; input: { token: string } }) {
  const userId = await consumeEmailToken(ctx.db, input.token, "verify");
  if (!userId) throw new BadRequest("This link is invalid, expired or already used.", { field: "token" });
  const user = await ctx.db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw new BadRequest("This link is invalid, expired or already used.", { field: "token" });
  const campusId = await campusForEmail(ctx.db, user.email);
  const now = Date.now();
  await ctx.db.batch([
    ctx.db
      .update(users)
      .set({
        emailVerifiedAt: user.emailVerifiedAt ?? now,
        ...(campusId ? { campusId, campusVerified: true } : {}),
        updatedAt: now,
      })
      .where(eq(users.id, userId)),
    // The other verification links in the mailbox die with this one.
    revokeEmailTokensQuery(ctx.db, userId, "verify", now),
  ]);
  await invalidateProfile(ctx, userId);
  return { verified: true, campusId, campusVerified: campusId !== null };
}
