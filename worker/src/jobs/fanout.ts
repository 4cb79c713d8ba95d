import { z } from "zod";
import type { Env } from "../env";
import { fanOutNote, withdrawNote } from "../link";
import { recordDeadLetter, retryDelaySeconds } from "./email";

const FanoutJobSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("fanout"), key: z.string().min(1), noteId: z.string().min(1) }),
  z.object({
    kind: z.literal("withdraw"),
    key: z.string().min(1),
    noteId: z.string().min(1),
    authorId: z.string().min(1),
  }),
]);

/**
 * The `fanout` queue's consumer: the work is atas-link's (link/feeds/services/fan-out.ts, safe to run
 * twice); here a failure retries the message with backoff, and after the last retry it lands in
 * `atas-fanout-dlq` (recorded by `consumeDeadLetters`).
 */
export async function consumeFanoutBatch(batch: MessageBatch<unknown>, env: Env) {
  for (const message of batch.messages) {
    const parsed = FanoutJobSchema.safeParse(message.body);
    if (!parsed.success) {
      await recordDeadLetter(env, batch.queue, "invalid", message.body);
      message.ack();
      continue;
    }
    const job = parsed.data;
    try {
      const started = Date.now();
      const report =
        job.kind === "fanout"
          ? await fanOutNote(env, job.noteId)
          : await withdrawNote(env, job.noteId, job.authorId);
      // One line per job: operators see the cost, and the benchmark reads the consumer's own time.
      console.log(`${job.key}: ${JSON.stringify(report)} in ${Date.now() - started} ms`);
      message.ack();
    } catch (error) {
      console.warn(`${job.kind} job ${job.key} failed (attempt ${message.attempts}): ${String(error)}`);
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
