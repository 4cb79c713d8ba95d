import { eq } from "drizzle-orm";
import type { ActionContext } from "../../shared/context";
import { enforceAll } from "../../shared/rate-limit";
import { users } from "../schema";
import { enqueueUnsolicitedMail, unsolicitedMailSpend } from "./enqueue-mail";

/** Same answer whether or not the address is registered or already verified. */
export async function resendVerification({ ctx, input }: { ctx: ActionContext; input: { email: string } }) {
  const email = input.email.trim().toLowerCase();
  // One store round trip: the sender's limits and the recipient's mail budget, whoever the address is.
  const over = await enforceAll(ctx.env, [
    { policy: "mailIp", identifier: ctx.ip },
    { policy: "verifyResendAddress", identifier: email },
    unsolicitedMailSpend("verify-email", email),
  ]);
  const user = await ctx.db.select().from(users).where(eq(users.email, email)).get();
  if (user && user.emailVerifiedAt === null)
    await enqueueUnsolicitedMail(ctx, email, { kind: "verify-email", userId: user.id }, over);
}
