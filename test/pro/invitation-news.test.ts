import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env";
import type { EmailJob } from "../../worker/src/jobs/contracts";
import { deliverInvitationNews } from "../../worker/src/pro/services/notify-invitation";
import { systemContext } from "../../worker/src/shared/context";
import { adaptersFor } from "../../worker/src/wiring";

describe("deliverInvitationNews", () => {
  it("sends one mail job per recipient in batches of at most 100 (the Queues sendBatch limit)", async () => {
    const batches: EmailJob[][] = [];
    const queue = {
      sendBatch: async (messages: { body: EmailJob }[]) => {
        if (messages.length > 100) throw new Error("sendBatch takes at most 100 messages");
        batches.push(messages.map((m) => m.body));
      },
    } as unknown as Env["EMAIL_QUEUE"];
    // The live pushes are not this test's concern; an inbox that accepts everything.
    const inbox = { idFromName: (name: string) => name, get: () => ({ notify: async () => {} }) };
    const ctx = systemContext(
      { ...env, EMAIL_QUEUE: queue, INBOX: inbox } as unknown as Env,
      adaptersFor({ ...env, EMAIL_QUEUE: queue, INBOX: inbox } as unknown as Env),
    );
    const recipients = Array.from({ length: 250 }, () => crypto.randomUUID());
    await deliverInvitationNews(ctx, {
      recipients,
      eventId: crypto.randomUUID(),
      text: "Confirmed",
      invitationId: crypto.randomUUID(),
    });
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat().map((job) => job.userId)).toEqual(recipients);
  });
});
