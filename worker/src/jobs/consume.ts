import type { z } from "zod";
import type { Env } from "../env";
import { recordDeadLetter } from "./dead-letters";
import { retryDelaySeconds } from "./retry";

/** How one queue's messages are handled: the contract they must meet and the work each one asks for. */
export interface QueueWork<T extends { key: string }> {
  /** Said in logs: the queue's work, or the job's own kind. */
  name: string | ((job: T) => string);
  contract: z.ZodType<T>;
  run(job: T): Promise<unknown>;
  /** A failure that retrying cannot help (a mail the provider refused): parked at once. */
  isPermanent?(error: unknown): boolean;
  /** Run a batch's messages side by side (independent jobs) instead of in order. */
  sideBySide?: boolean;
}

/**
 * The consumer loop every queue shares: a message that breaks the contract is parked in the dead
 * letters; a job that fails retries with backoff (the queue sends it to its dead-letter queue after
 * the last try), unless the failure is permanent, which is parked at once.
 */
export async function consume<T extends { key: string }>(
  batch: MessageBatch<unknown>,
  env: Env,
  work: QueueWork<T>,
): Promise<void> {
  const one = async (message: Message<unknown>) => {
    const parsed = work.contract.safeParse(message.body);
    if (!parsed.success) {
      await recordDeadLetter(env, batch.queue, "invalid", message.body);
      message.ack();
      return;
    }
    try {
      await work.run(parsed.data);
      message.ack();
    } catch (error) {
      if (work.isPermanent?.(error)) {
        await recordDeadLetter(env, batch.queue, parsed.data.key, message.body);
        message.ack();
        return;
      }
      const name = typeof work.name === "string" ? work.name : work.name(parsed.data);
      // The message id, not the job's key: some keys hold user ids, which logs never carry.
      console.warn(
        `${name} job failed (message ${message.id}, attempt ${message.attempts}): ${String(error)}`,
      );
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  };
  if (work.sideBySide) await Promise.all(batch.messages.map(one));
  else for (const message of batch.messages) await one(message);
}
