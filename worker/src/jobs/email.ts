import { eq } from "drizzle-orm";
import { type Mail, type Mailer, MailRejected } from "../adapters/mailer/interface";
import { createDb } from "../db/client";
import { failDraft } from "../drafts";
import type { Env } from "../env";
import { ACCOUNT_MAIL_KINDS, type AccountMailKind, composeAccountMail } from "../identity/mails";
import { composeInvitationMail, type InvitationMailKind } from "../pro/services/invitation-mail";
import type { Adapters } from "../shared/context";
import { type ActionContext, systemContext } from "../shared/context";
import { EmailJob } from "./contracts";
import { deadLetters, jobEffects } from "./schema";

/** Exponential backoff with jitter: 10 s, 20 s, 40 s … capped at 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  const base = Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

async function composeMail(ctx: ActionContext, job: EmailJob): Promise<Mail | null> {
  if (isAccountMail(job)) return composeAccountMail(ctx, job);
  return composeInvitationMail(ctx, job as EmailJob & { kind: InvitationMailKind });
}

const isAccountMail = (job: EmailJob): job is EmailJob & { kind: AccountMailKind } =>
  (ACCOUNT_MAIL_KINDS as readonly string[]).includes(job.kind);

/** Sends one mail job at most once: a recorded effect short-circuits a redelivery. */
export async function runEmailJob(
  ctx: ActionContext,
  mailer: Mailer,
  job: EmailJob,
): Promise<"sent" | "skipped"> {
  const done = await ctx.db.select().from(jobEffects).where(eq(jobEffects.key, job.key)).get();
  if (done) return "skipped";
  const mail = await composeMail(ctx, job);
  // The provider also receives the key, so a crash between send and record cannot send twice.
  if (mail) await mailer.send(mail, job.key);
  await ctx.db
    .insert(jobEffects)
    .values({ key: job.key, kind: job.kind, doneAt: Date.now() })
    .onConflictDoNothing();
  return mail ? "sent" : "skipped";
}

export async function consumeEmailBatch(batch: MessageBatch<unknown>, env: Env, adapters: Adapters) {
  const ctx = systemContext(env, adapters);
  const mailer = adapters.mailer;
  for (const message of batch.messages) {
    const parsed = EmailJob.safeParse(message.body);
    if (!parsed.success) {
      await recordDeadLetter(env, batch.queue, "invalid", message.body);
      message.ack();
      continue;
    }
    try {
      await runEmailJob(ctx, mailer, parsed.data);
      message.ack();
    } catch (error) {
      if (error instanceof MailRejected) {
        // Retrying cannot help: park it where an operator sees it.
        await recordDeadLetter(env, batch.queue, parsed.data.key, message.body);
        message.ack();
      } else {
        console.warn(`mail job ${parsed.data.key} failed (attempt ${message.attempts}): ${String(error)}`);
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }
  }
}

/**
 * Consumer of every dead-letter queue: the message is kept in D1 for the admin to see and retry.
 * A draft job that lands here has exhausted its retries, so its draft is marked failed.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env) {
  for (const message of batch.messages) {
    const body = message.body as { key?: unknown; kind?: unknown; draftId?: unknown } | null;
    const key = typeof body?.key === "string" ? body.key : message.id;
    await recordDeadLetter(env, batch.queue, key, message.body);
    if (body?.kind === "draft" && typeof body.draftId === "string")
      await failDraft(env, body.draftId, "The AI service did not answer after several tries.");
    message.ack();
  }
}

export async function recordDeadLetter(env: Env, queue: string, key: string, body: unknown) {
  await createDb(env.DB)
    .insert(deadLetters)
    .values({ queue, key, body: JSON.stringify(body) });
}
