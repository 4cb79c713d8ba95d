import { eq } from "drizzle-orm";
import type { Mail } from "../adapters/mailer/interface";
import type { EmailJob } from "../jobs/contracts";
import type { ActionContext } from "../shared/context";
import { layoutMail } from "../shared/mail-layout";
import { users } from "./schema";
import { mintEmailToken } from "./services/email-tokens";

/** The account mails: each one paragraph list and one button. */
export const accountMails = {
  verify: (to: string, name: string, url: string) =>
    layoutMail(
      to,
      "Confirm your ATAS e-mail",
      [
        `Hi ${name},`,
        "Confirm this address to finish setting up your ATAS account. The link works once and expires in 48 hours.",
      ],
      { label: "Confirm my e-mail", url },
    ),
  accountExists: (to: string, name: string, url: string) =>
    layoutMail(
      to,
      "You already have an ATAS account",
      [
        `Hi ${name},`,
        "Someone tried to register a new ATAS account with this address, which already has one. If it was you, sign in instead, or reset your password.",
        "If it was not you, you can ignore this mail; nothing has changed.",
      ],
      { label: "Sign in", url },
    ),
  reset: (to: string, name: string, url: string) =>
    layoutMail(
      to,
      "Reset your ATAS password",
      [
        `Hi ${name},`,
        "Use this link to choose a new password. It works once and expires in one hour. If you did not ask, ignore this mail.",
      ],
      { label: "Choose a new password", url },
    ),
  passwordChanged: (to: string, name: string, url: string) =>
    layoutMail(
      to,
      "Your ATAS password was changed",
      [
        `Hi ${name},`,
        "Your password was just changed and your other sessions were signed out. If this was not you, reset your password now.",
      ],
      { label: "Reset my password", url },
    ),
};

export const ACCOUNT_MAIL_KINDS = [
  "verify-email",
  "account-exists",
  "password-reset",
  "password-changed",
] as const;
export type AccountMailKind = (typeof ACCOUNT_MAIL_KINDS)[number];

/**
 * The account mail a job asks for, or null when there is nothing to send (the account is gone, or
 * already verified). Links carry a token minted now, when the mail is written.
 */
export async function composeAccountMail(
  ctx: Pick<ActionContext, "db">,
  job: EmailJob & { kind: AccountMailKind },
): Promise<Mail | null> {
  const user = await ctx.db.select().from(users).where(eq(users.id, job.userId)).get();
  if (!user) return null;
  switch (job.kind) {
    case "verify-email": {
      if (user.emailVerifiedAt !== null) return null;
      const token = await mintEmailToken(ctx.db, user.id, "verify");
      return accountMails.verify(user.email, user.displayName, `${job.origin}/verify?token=${token}`);
    }
    case "account-exists":
      return accountMails.accountExists(user.email, user.displayName, `${job.origin}/login`);
    case "password-reset": {
      const token = await mintEmailToken(ctx.db, user.id, "reset");
      return accountMails.reset(user.email, user.displayName, `${job.origin}/reset-password?token=${token}`);
    }
    case "password-changed":
      return accountMails.passwordChanged(user.email, user.displayName, `${job.origin}/forgot-password`);
    default: {
      const never: never = job.kind;
      throw new Error(`unknown account mail ${never}`);
    }
  }
}
