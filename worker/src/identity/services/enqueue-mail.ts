import type { EmailJob } from "../../env";
import type { ActionContext } from "../../shared/context";

/** Jobs carry ids, never objects; the key makes a redelivered message a no-op. */
export async function enqueueMail(ctx: ActionContext, request: Pick<EmailJob, "kind" | "userId">) {
  const job: EmailJob = { ...request, key: `${request.kind}:${crypto.randomUUID()}`, origin: ctx.origin };
  await ctx.env.EMAIL_QUEUE.send(job, { contentType: "json" });
  return job.key;
}
