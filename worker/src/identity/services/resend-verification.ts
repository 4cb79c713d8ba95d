import { eq } from "drizzle-orm";
import type { ActionContext } from "../../shared/context";
import { enforce } from "../../shared/rate-limit";
import { users } from "../schema";
import { enqueueUnsolicitedMail } from "./enqueue-mail";

/** Same answer whether or not the address is registered or already verified. */
export async function resendVerification({ ctx, input }: { ctx: ActionContext; input: { email: string } }) {
  const email = input.email.trim().toLowerCase();
  await enforce(ctx.env, "mailIp", ctx.ip);
  await enforce(ctx.env, "verifyResendAddress", email);
  const user = await ctx.db.select().from(users).where(eq(users.email, email)).get();
  if (user && user.emailVerifiedAt === null)
    await enqueueUnsolicitedMail(ctx, email, { kind: "verify-email", userId: user.id });
}
