import { eq } from "drizzle-orm";
import { clubProfiles, expertProfiles, studentProfiles } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import { hashPassword } from "../../shared/crypto";
import { enforceAll } from "../../shared/rate-limit";
import { assertAcceptablePassword } from "../password-policy";
import { users } from "../schema";
import { enqueueUnsolicitedMail, unsolicitedMailSpend } from "./enqueue-mail";

export interface RegisterInput {
  email: string;
  password: string;
  displayName: string;
  role: "student" | "expert" | "club";
}

const PROFILE_TABLE = { student: studentProfiles, expert: expertProfiles, club: clubProfiles } as const;

/**
 * Creates the account and queues its verification mail. An address that already has an account
 * gets the same answer and a notice mail instead, so the endpoint cannot tell who is registered.
 * The address is looked up first, so the per-IP limit and the recipient's budget for the mail that
 * branch sends are one store round trip; both branches then hash, so both answers cost the same time.
 */
export async function registerAccount({ ctx, input }: { ctx: ActionContext; input: RegisterInput }) {
  const email = input.email.trim().toLowerCase();
  assertAcceptablePassword(input.password, { email, displayName: input.displayName });
  const existing = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  const mail = existing ? "account-exists" : "verify-email";
  const over = await enforceAll(ctx.env, [
    { policy: "registerIp", identifier: ctx.ip },
    unsolicitedMailSpend(mail, email),
  ]);
  const passwordHash = await hashPassword(input.password);
  if (existing) {
    await enqueueUnsolicitedMail(ctx, email, { kind: "account-exists", userId: existing.id }, over);
    return;
  }
  const id = crypto.randomUUID();
  const now = Date.now();
  try {
    // One batch is one transaction: the account never exists without its profile row.
    await ctx.db.batch([
      ctx.db
        .insert(users)
        .values({ id, email, passwordHash, displayName: input.displayName.trim(), role: input.role }),
      ctx.db.insert(PROFILE_TABLE[input.role]).values({ userId: id, updatedAt: now }),
    ]);
  } catch (error) {
    // A concurrent registration of the same address won the race: answer as for an existing one.
    if (!String(error).includes("UNIQUE constraint failed: users.email")) throw error;
    const winner = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
    if (winner) await enqueueUnsolicitedMail(ctx, email, { kind: "account-exists", userId: winner.id });
    return;
  }
  await enqueueUnsolicitedMail(ctx, email, { kind: "verify-email", userId: id }, over);
}
