import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EmailJob } from "../../worker/src/jobs/contracts";
import { retryDelaySeconds } from "../../worker/src/jobs/retry";
import worker from "../support/entry";
import { signUp, uniqueEmail } from "../support/http";

const RESEND_KEY = "re_test_key";

function jobFor(userId: string, kind: EmailJob["kind"] = "password-changed"): EmailJob {
  return { kind, userId, key: `${kind}:${crypto.randomUUID()}`, origin: "http://127.0.0.1:8787" };
}

async function runBatch(
  messages: { id: string; body: EmailJob; attempts?: number }[],
  overrides: Partial<Cloudflare.Env> = {},
) {
  const batch = createMessageBatch<EmailJob>(
    "atas-email",
    messages.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, { ...env, ...overrides }, ctx);
  return getQueueResult(batch, ctx);
}

const outboxCount = async (key: string) =>
  (
    await env.DB.prepare("select count(*) as n from outbox_mails where id = ?")
      .bind(key)
      .first<{ n: number }>()
  )?.n;

const resendEnv = () => ({
  MAILER: "resend",
  RESEND_API_KEY: RESEND_KEY,
  RESEND_BASE_URL: env.FAKE_RESEND_URL,
});

async function resendRequests() {
  const response = await fetch(`${env.FAKE_RESEND_URL}/__requests`);
  return (await response.json()) as { headers: Record<string, string>; body: Record<string, unknown> }[];
}

describe("the email queue consumer", () => {
  it("delivers a job once even when the message is delivered twice", async () => {
    const user = await signUp();
    const job = jobFor(user.id);
    const first = await runBatch([{ id: "m1", body: job }]);
    const second = await runBatch([{ id: "m1", body: job }]);
    expect(first.explicitAcks).toEqual(["m1"]);
    expect(second.explicitAcks).toEqual(["m1"]);
    expect(await outboxCount(job.key)).toBe(1);
  });

  it("sends through Resend's API with the key as Idempotency-Key", async () => {
    const user = await signUp();
    const job = jobFor(user.id);
    const result = await runBatch([{ id: "r1", body: job }], resendEnv());
    expect(result.explicitAcks).toEqual(["r1"]);
    const request = (await resendRequests()).find((r) => r.headers["idempotency-key"] === job.key);
    expect(request?.headers.authorization).toBe(`Bearer ${RESEND_KEY}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toMatchObject({ to: [user.email], subject: "Your ATAS password was changed" });
    expect(String(request?.body.from)).toContain("@");
    expect(String(request?.body.html)).toContain("<p>");
  });

  it("retries a failing provider with growing backoff", async () => {
    const user = await signUp({ email: uniqueEmail("box+fail") });
    const job = jobFor(user.id);
    const early = await runBatch([{ id: "f1", body: job, attempts: 1 }], resendEnv());
    const late = await runBatch([{ id: "f1", body: job, attempts: 4 }], resendEnv());
    expect(early.explicitAcks).toEqual([]);
    expect(early.retryMessages).toHaveLength(1);
    expect(late.retryMessages).toEqual([{ msgId: "f1" }]);
    // getQueueResult does not report the delay, so the backoff schedule is checked directly.
    const delays = [1, 2, 3, 4, 5, 10].map((attempt) => retryDelaySeconds(attempt));
    expect(delays[0]).toBeGreaterThanOrEqual(8);
    expect(delays[3]).toBeGreaterThan(delays[1] ?? 0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(720);
    const effect = await env.DB.prepare("select * from job_effects where key = ?").bind(job.key).first();
    expect(effect).toBeNull();
  });

  it("a permanent refusal goes straight to the dead letters; the DLQ consumer keeps what reaches it", async () => {
    const user = await signUp({ email: uniqueEmail("box+reject") });
    const job = jobFor(user.id);
    const result = await runBatch([{ id: "d1", body: job }], resendEnv());
    expect(result.explicitAcks).toEqual(["d1"]);
    expect(
      await env.DB.prepare("select queue from dead_letters where key = ?").bind(job.key).first(),
    ).toEqual({ queue: "atas-email" });

    const exhausted = jobFor(user.id);
    const dlqBatch = createMessageBatch("atas-email-dlq", [
      { id: "x1", timestamp: new Date(), attempts: 1, body: exhausted },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(dlqBatch as MessageBatch<unknown>, env, ctx);
    expect((await getQueueResult(dlqBatch, ctx)).explicitAcks).toEqual(["x1"]);
    const row = await env.DB.prepare("select queue, body from dead_letters where key = ?")
      .bind(exhausted.key)
      .first<{ queue: string; body: string }>();
    expect(row?.queue).toBe("atas-email-dlq");
    expect(JSON.parse(row?.body ?? "{}")).toEqual(exhausted);
  });

  it("a malformed message is parked, not retried forever", async () => {
    const batch = createMessageBatch("atas-email", [
      { id: "bad", timestamp: new Date(), attempts: 1, body: { nope: true } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<unknown>, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["bad"]);
  });
});
