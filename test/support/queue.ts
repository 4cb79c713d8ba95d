/**
 * A batch as a queue would deliver it to a consumer, with what the consumer did to each message
 * (ack or retry) recorded in `outcomes`.
 */
export function messageBatch(queue: string, bodies: unknown[]) {
  const outcomes: string[] = [];
  const messages = bodies.map((body, i) => ({
    id: `m${i}`,
    timestamp: new Date(),
    body,
    attempts: 1,
    ack: () => outcomes.push("ack"),
    retry: () => outcomes.push("retry"),
  }));
  return {
    outcomes,
    batch: { queue, messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>,
  };
}
