import { eq } from "drizzle-orm";
import { vetByWorkDomain } from "../../profiles";
import type { ActionContext } from "../../shared/context";
import { BadRequest } from "../../shared/errors";
import { users } from "../schema";
import { campusForEmail, domainLabels, MAX_DOMAIN_LABELS } from "./campus-for-email";
import { consumeEmailToken, peekEmailToken, revokeEmailTokensQuery } from "./email-tokens";

const INVALID = "This link is invalid, expired or already used.";

/**
 * A verified campus address gives the account its campus and the verified badge. Everything that
 * can refuse the request runs before the token is spent, so a refused request leaves it usable.
 */
export async function verifyEmail({ ctx, input }: { ctx: ActionContext; input: { token: string } }) {
  const pending = await peekEmailToken(ctx.db, input.token, "verify");
  if (!pending) throw new BadRequest(INVALID, { field: "token" });
  const user = await ctx.db.select().from(users).where(eq(users.id, pending)).get();
  if (!user) throw new BadRequest(INVALID, { field: "token" });
  if (domainLabels(user.email) > MAX_DOMAIN_LABELS)
    throw new BadRequest(
      `This address's mail domain has more than ${MAX_DOMAIN_LABELS} labels, so it cannot be verified.`,
      { field: "email" },
    );
  const campusId = await campusForEmail(ctx.db, user.email);
  // The conditional update keeps the token single-use under two concurrent clicks.
  const userId = await consumeEmailToken(ctx.db, input.token, "verify");
  if (userId !== user.id) throw new BadRequest(INVALID, { field: "token" });
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
  // A verified work address may vet an expert by its company domain.
  if (user.role === "expert") await vetByWorkDomain(ctx, userId);
  return { verified: true, campusId, campusVerified: campusId !== null };
}
