import { eq } from "drizzle-orm";
import { type Mail, type Mailer, MailRejected } from "../adapters/mailer/interface";
import type { ActionContext } from "../shared/context";
import type { QueueWork } from "./consume";
import { EmailJob } from "./contracts";
import { jobEffects } from "./schema";

/** Writes the mail a job asks for, or null when there is nothing to send; each domain writes its own. */
export type ComposeMail = (ctx: ActionContext, job: EmailJob) => Promise<Mail | null>;

/** Sends one mail job at most once: a recorded effect short-circuits a redelivery. */
export async function runEmailJob<Job extends EmailJob>(
  ctx: ActionContext,
  mailer: Mailer,
  job: Job,
  compose: (ctx: ActionContext, job: Job) => Promise<Mail | null>,
): Promise<"sent" | "skipped"> {
  const done = await ctx.db.select().from(jobEffects).where(eq(jobEffects.key, job.key)).get();
  if (done) return "skipped";
  const mail = await compose(ctx, job);
  // The provider also receives the key, so a crash between send and record cannot send twice.
  if (mail) await mailer.send(mail, job.key);
  await ctx.db
    .insert(jobEffects)
    .values({ key: job.key, kind: job.kind, doneAt: Date.now() })
    .onConflictDoNothing();
  return mail ? "sent" : "skipped";
}

/**
 * The `email` queue: in order, once each; a mail the provider refuses is parked, not retried. The
 * mailer is built before the batch starts, so a mail misconfiguration fails (and retries) the batch.
 */
export function emailWork(ctx: ActionContext, compose: ComposeMail): QueueWork<EmailJob> {
  const mailer = ctx.adapters.mailer;
  return {
    name: "mail",
    contract: EmailJob,
    run: (job) => runEmailJob(ctx, mailer, job, compose),
    isPermanent: (error) => error instanceof MailRejected,
  };
}
