import { eq } from "drizzle-orm";
import type { ActionContext } from "../../shared/context";
import { hashPassword, verifyPassword } from "../../shared/crypto";
import { Forbidden, ProblemError } from "../../shared/errors";
import { enforceAll } from "../../shared/rate-limit";
import { users } from "../schema";
import { createSession } from "./sessions";

let decoyHash: Promise<string> | undefined;

/** Checks the password and opens a fresh session (a new token every login: no session fixation). */
export async function logIn({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { email: string; password: string; userAgent: string };
}) {
  const email = input.email.trim().toLowerCase();
  // Per address and per (account, address): someone else's guesses never use up the owner's tries.
  // An account under attack from many addresses gives each address fewer tries; a new address
  // always has some, so the owner's right password still works from one. One store round trip.
  const pair = `${email}|${ctx.ip}`;
  await enforceAll(ctx.env, [
    { policy: "loginIp", identifier: ctx.ip },
    { policy: "loginAccountIp", identifier: pair },
    { policy: "loginAccount", identifier: email, soft: true },
    { policy: "loginAccountIpUnderAttack", identifier: pair, onlyIfOver: "loginAccount" },
  ]);
  const user = await ctx.db.select().from(users).where(eq(users.email, email)).get();
  // An unknown address still pays for one hash, so timing does not reveal who has an account.
  decoyHash ??= hashPassword("decoy password for timing");
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash));
  if (!user || !ok) throw new ProblemError(401, "Unauthorized", "E-mail or password is incorrect.");
  if (user.emailVerifiedAt === null) {
    throw Object.assign(new Forbidden("Verify your e-mail first; we can send the link again."), {
      extra: { code: "email-unverified" },
    });
  }
  const session = await createSession(ctx.db, user.id, input.userAgent);
  return { user, ...session };
}
