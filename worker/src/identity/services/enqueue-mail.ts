import type { EmailJob } from "../../jobs/contracts";

import { runEmailJob } from "../../jobs/email";
import type { ActionContext } from "../../shared/context";
import { overLimit, type PolicyName, type Spend } from "../../shared/rate-limit";
import { type AccountMailKind, composeAccountMail } from "../mails";

/** Jobs carry ids, never objects; the key makes a redelivered message a no-op. */
export async function enqueueMail(ctx: ActionContext, request: { kind: AccountMailKind; userId: string }) {
  const job: EmailJob & { kind: AccountMailKind } = {
    ...request,
    key: `${request.kind}:${crypto.randomUUID()}`,
    origin: ctx.origin,
  };
  if (ctx.env.MAIL_DELIVERY === "inline") {
    // The synchronous delivery the queue replaced; kept only so bench/register.ts can measure the difference.
    await runEmailJob(ctx, ctx.adapters.mailer, job, composeAccountMail);
  } else {
    await ctx.env.EMAIL_QUEUE.send(job, { contentType: "json" });
  }
  return job.key;
}

/**
 * Mail to an address that nobody signed in asked for (the "you already have an account" notice, a
 * reset link, a verification link), per recipient, from however many senders. Anyone can trigger the
 * notice by registering the address, so it has its own budget (`accountExistsAddress`) and never
 * spends the `mailAddress` budget that reset and verification mail need. Over a limit the mail is
 * dropped without a word, so the answer still says nothing about the address. A caller that spent the
 * recipient's budget already, in its own limiter call (`unsolicitedMailSpend`), passes what was over.
 */
export async function enqueueUnsolicitedMail(
  ctx: ActionContext,
  recipient: string,
  request: { kind: AccountMailKind; userId: string },
  spent?: ReadonlySet<PolicyName>,
) {
  const { policy } = unsolicitedMailSpend(request.kind, recipient);
  if (spent ? spent.has(policy) : await overLimit(ctx.env, policy, recipient)) return null;
  return enqueueMail(ctx, request);
}

/** The recipient's budget for this kind of unsolicited mail, as a soft spend to add to a limiter call. */
export function unsolicitedMailSpend(kind: AccountMailKind, recipient: string): Spend {
  return {
    policy: kind === "account-exists" ? "accountExistsAddress" : "mailAddress",
    identifier: recipient,
    soft: true,
  };
}
