import { createDb } from "../db/client";
import type { Env } from "../env";
import { deadLetters } from "./schema";

/** Parks a message where an admin sees it (`/api/admin/dead-letters`) and may send it again. */
export async function recordDeadLetter(env: Env, queue: string, key: string, body: unknown) {
  await createDb(env.DB)
    .insert(deadLetters)
    .values({ queue, key, body: JSON.stringify(body) });
}

/** What a domain does when one of its jobs is given up on (a draft is marked failed, say). */
export type OnGivenUp = (env: Env, queue: string, body: unknown) => Promise<void>;

/**
 * Consumer of every dead-letter queue: the message is kept in D1 for the admin to see and retry,
 * then the domain whose job it was hears that it was given up on.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env, onGivenUp: OnGivenUp) {
  for (const message of batch.messages) {
    const body = message.body as { key?: unknown } | null;
    const key = typeof body?.key === "string" ? body.key : message.id;
    await recordDeadLetter(env, batch.queue, key, message.body);
    await onGivenUp(env, batch.queue, message.body);
    message.ack();
  }
}
