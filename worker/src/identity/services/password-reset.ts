import { eq } from "drizzle-orm";
import { closeSessionSockets, inboxOf } from "../../realtime";
import type { ActionContext } from "../../shared/context";
import { hashPassword, verifyPassword } from "../../shared/crypto";
import { BadRequest, ProblemError, Unauthorized } from "../../shared/errors";
import { enforce, enforceAll } from "../../shared/rate-limit";
import { assertAcceptablePassword } from "../password-policy";
import { users } from "../schema";
import { consumeEmailToken, peekEmailToken, revokeEmailTokensQuery } from "./email-tokens";
import { enqueueMail, enqueueUnsolicitedMail, unsolicitedMailSpend } from "./enqueue-mail";
import { endOtherSessionsQuery } from "./sessions";

/**
 * Same answer for known and unknown addresses. The sender's limits and the recipient's mail budget
 * are one store round trip, spent alike whether or not the address has an account.
 */
export async function requestPasswordReset({ ctx, input }: { ctx: ActionContext; input: { email: string } }) {
  const email = input.email.trim().toLowerCase();
  const over = await enforceAll(ctx.env, [
    { policy: "mailIp", identifier: ctx.ip },
    { policy: "resetAddress", identifier: email },
    unsolicitedMailSpend("password-reset", email),
  ]);
  const user = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  if (user) await enqueueUnsolicitedMail(ctx, email, { kind: "password-reset", userId: user.id }, over);
}

/** Sets a new password from a mailed token and ends every session of the account. */
export async function resetPassword({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { token: string; password: string };
}) {
  const invalid = new BadRequest("This link is invalid, expired or already used.", { field: "token" });
  // Check the new password before spending the token, so a refused password does not burn the link.
  const holder = await peekEmailToken(ctx.db, input.token, "reset");
  const user = holder ? await ctx.db.select().from(users).where(eq(users.id, holder)).get() : undefined;
  if (!user) throw invalid;
  assertAcceptablePassword(input.password, { email: user.email, displayName: user.displayName });
  const passwordHash = await hashPassword(input.password);
  const userId = await consumeEmailToken(ctx.db, input.token, "reset");
  if (userId !== user.id) throw invalid;
  const now = Date.now();
  await ctx.db.batch([
    // Following the mailed link proves the mailbox, so it also verifies the address.
    ctx.db
      .update(users)
      .set({ passwordHash, updatedAt: now, emailVerifiedAt: user.emailVerifiedAt ?? now })
      .where(eq(users.id, userId)),
    endOtherSessionsQuery(ctx.db, userId),
    revokeEmailTokensQuery(ctx.db, userId, "reset", now),
  ]);
  await closeSessionSockets(ctx.env, userId, { allBut: null, before: now });
  await enqueueMail(ctx, { kind: "password-changed", userId });
}

/** Changes the password of the signed-in user; every other session of the account ends. */
export async function changePassword({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { currentPassword: string; newPassword: string; sessionId: string };
}) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  // Its own counter: wrong guesses here must not lock the owner out of signing in, nor the reverse.
  await enforce(ctx.env, "passwordChangeUser", actor.id);
  if (!(await verifyPassword(input.currentPassword, actor.passwordHash))) {
    throw new ProblemError(400, "Bad request", "The current password is incorrect.", {
      field: "currentPassword",
    });
  }
  assertAcceptablePassword(input.newPassword, { email: actor.email, displayName: actor.displayName });
  const passwordHash = await hashPassword(input.newPassword);
  const now = Date.now();
  await ctx.db.batch([
    ctx.db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, actor.id)),
    endOtherSessionsQuery(ctx.db, actor.id, input.sessionId),
    revokeEmailTokensQuery(ctx.db, actor.id, "reset", now),
  ]);
  await closeSessionSockets(ctx.env, actor.id, { allBut: input.sessionId, before: now });
  await enqueueMail(ctx, { kind: "password-changed", userId: actor.id });
  await inboxOf(ctx.env, actor.id).notify({
    type: "security.password-changed",
    text: "Your password was changed.",
  });
}
