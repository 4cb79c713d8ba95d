import { failDraft, runDraftJob } from "./drafts";
import type { Env } from "./env";
import { ACCOUNT_MAIL_KINDS, type AccountMailKind, composeAccountMail } from "./identity";
import { consume } from "./jobs/consume";
import { AiJob, type EmailJob, FanoutJob } from "./jobs/contracts";
import { consumeDeadLetters } from "./jobs/dead-letters";
import { type ComposeMail, emailWork } from "./jobs/email";
import { consumeGraphBatch } from "./jobs/graph";
import {
  composeEventMail,
  EVENT_MAIL_KINDS,
  type EventMailKind,
  runFanoutJob,
  runInvitationChanged,
} from "./link";
import { reportGivenUp } from "./ops/sentry";
import { composeInvitationMail, INVITATION_MAIL_KINDS, type InvitationMailKind } from "./pro";
import { systemContext } from "./shared/context";
import { adaptersFor } from "./wiring";

/*
 * Which domain does each queue's work. jobs/ holds the plumbing (contracts, the consumer loop,
 * retry and dead letters); the work itself is the domains'. Wired here, above them all.
 */

// Every mail kind is written by exactly one domain.
const everyKind: [EmailJob["kind"], AccountMailKind | InvitationMailKind | EventMailKind] extends [
  AccountMailKind | InvitationMailKind | EventMailKind,
  EmailJob["kind"],
]
  ? true
  : never = true;
void everyKind;

const isAccountMail = (job: EmailJob): job is EmailJob & { kind: AccountMailKind } =>
  (ACCOUNT_MAIL_KINDS as readonly string[]).includes(job.kind);
const isInvitationMail = (job: EmailJob): job is EmailJob & { kind: InvitationMailKind } =>
  (INVITATION_MAIL_KINDS as readonly string[]).includes(job.kind);

const isEventMail = (job: EmailJob): job is EmailJob & { kind: EventMailKind } =>
  (EVENT_MAIL_KINDS as readonly string[]).includes(job.kind);

export const composeMail: ComposeMail = async (ctx, job) => {
  if (isAccountMail(job)) return composeAccountMail(ctx, job);
  if (isInvitationMail(job)) return composeInvitationMail(ctx, job);
  if (isEventMail(job)) return composeEventMail(ctx, job);
  throw new Error(`no domain writes ${job.kind} mail`);
};

/**
 * A job that exhausted its retries is reported (to Sentry, when configured); a draft job leaves its
 * draft failed, with a retry button on the page.
 */
async function givenUp(env: Env, queue: string, body: unknown) {
  reportGivenUp(env, queue);
  const job = AiJob.safeParse(body);
  if (job.success)
    await failDraft(env, job.data.draftId, "The AI service did not answer after several tries.");
}

export async function consumeQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env, givenUp);
  // One set of adapters per batch, as a request has one.
  const adapters = adaptersFor(env);
  if (batch.queue.startsWith("atas-email"))
    return consume(batch, env, emailWork(systemContext(env, adapters), composeMail));
  if (batch.queue.startsWith("atas-ai")) {
    const ctx = systemContext(env, adapters);
    // Drafts in a batch are written side by side; a failed one retries with backoff.
    return consume(batch, env, {
      name: "ai",
      contract: AiJob,
      run: (job) => runDraftJob(ctx, job),
      sideBySide: true,
    });
  }
  if (batch.queue.startsWith("atas-graph")) return consumeGraphBatch(batch, env, adapters);
  if (batch.queue.startsWith("atas-fanout"))
    return consume(batch, env, {
      name: (job) => job.kind,
      contract: FanoutJob,
      run: (job) =>
        job.kind === "invitation-changed"
          ? runInvitationChanged(env, adapters, job)
          : runFanoutJob(env, adapters, job),
    });
  throw new Error(`no consumer for queue ${batch.queue}`);
}
