import { z } from "zod";
import { runDraftJob } from "../drafts";
import type { Env } from "../env";
import { type Adapters, systemContext } from "../shared/context";
import { recordDeadLetter, retryDelaySeconds } from "./email";

const AiJobSchema = z.object({
  kind: z.literal("draft"),
  key: z.string().min(1).max(200),
  draftId: z.string().uuid(),
});

/** The `ai` queue: drafts in a batch are written side by side; a failed one retries with backoff. */
export async function consumeAiBatch(batch: MessageBatch<unknown>, env: Env, adapters: Adapters) {
  await Promise.all(
    batch.messages.map(async (message) => {
      const parsed = AiJobSchema.safeParse(message.body);
      if (!parsed.success) {
        await recordDeadLetter(env, batch.queue, "invalid", message.body);
        message.ack();
        return;
      }
      try {
        await runDraftJob(systemContext(env, adapters), parsed.data);
        message.ack();
      } catch (error) {
        console.warn(`ai job ${parsed.data.key} failed (attempt ${message.attempts}): ${String(error)}`);
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }),
  );
}
