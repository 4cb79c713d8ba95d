import type { GraphChange } from "../adapters/second-degree/interface";
import type { Env } from "../env";
import type { Adapters } from "../shared/context";
import { GraphJob } from "./contracts";
import { recordDeadLetter } from "./dead-letters";
import { retryDelaySeconds } from "./retry";

/**
 * The `graph` queue: edge changes for the mirror (Neo4j). A batch is applied in message order in
 * one call; every statement is a MERGE or an idempotent delete, so a redelivered batch is harmless.
 * Without a mirror configured D1 is the graph, and there is nothing to do.
 */
export async function consumeGraphBatch(batch: MessageBatch<unknown>, env: Env, adapters: Adapters) {
  const mirror = adapters.graphMirror;
  const valid: { message: Message<unknown>; changes: GraphChange[] }[] = [];
  for (const message of batch.messages) {
    const parsed = GraphJob.safeParse(message.body);
    if (!parsed.success) {
      await recordDeadLetter(env, batch.queue, "invalid", message.body);
      message.ack();
    } else valid.push({ message, changes: parsed.data.changes });
  }
  if (!mirror) {
    for (const { message } of valid) message.ack();
    return;
  }
  try {
    await mirror.apply(valid.flatMap((v) => v.changes));
    for (const { message } of valid) message.ack();
  } catch (error) {
    console.warn(`graph batch failed: ${String(error)}`);
    for (const { message } of valid) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}
