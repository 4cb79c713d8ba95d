import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { EmailJob } from "../../worker/src/jobs/contracts";
import worker from "../support/entry";

const HOSTILE_TITLE = "Career talk\r\nBcc: victim@example.com\rX-Injected: 1\nReply-To: evil@example.com";

/** A sent invitation with a hostile title, written straight to D1; returns the expert to remind. */
async function hostileInvitation() {
  const student = crypto.randomUUID();
  const expert = crypto.randomUUID();
  const id = crypto.randomUUID();
  await env.DB.batch([
    env.DB.prepare(
      "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', ?, 'student', 0, 0)",
    ).bind(student, `${student}@headers.test`, "Student\r\nCc: x@example.com"),
    env.DB.prepare(
      "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', 'Expert', 'expert', 0, 0)",
    ).bind(expert, `${expert}@headers.test`),
    env.DB.prepare(
      `insert into invitations (id, requester_id, expert_id, created_by, kind, title, agenda, duration_minutes, format, audience_size, language,
         response_deadline, status, version, sent_at, created_at, updated_at)
       values (?, ?, ?, ?, 'talk', ?, 'Agenda', 60, 'online', 50, 'en', ?, 'sent', 1, 1, 0, 0)`,
    ).bind(id, student, expert, student, HOSTILE_TITLE, Date.now() + 86_400_000),
  ]);
  const job: EmailJob = {
    kind: "deadline-reminder",
    userId: expert,
    invitationId: id,
    key: `deadline-reminder:${crypto.randomUUID()}`,
    origin: "http://127.0.0.1:8787",
  };
  return { job, to: `${expert}@headers.test` };
}

async function run(job: EmailJob, overrides: Partial<Cloudflare.Env> = {}) {
  const batch = createMessageBatch<EmailJob>("atas-email", [
    { id: "h1", timestamp: new Date(), attempts: 1, body: job },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, { ...env, ...overrides }, ctx);
  return getQueueResult(batch, ctx);
}

const NO_LINE_BREAK = /^[^\r\n]*$/;

describe("mail headers carry no line breaks from user text", () => {
  it("the dev outbox stores a one-line subject", async () => {
    const { job, to } = await hostileInvitation();
    expect((await run(job)).explicitAcks).toEqual(["h1"]);
    const mail = await env.DB.prepare('select subject, "to" from outbox_mails where id = ?')
      .bind(job.key)
      .first<{ subject: string; to: string }>();
    expect(mail?.to).toBe(to);
    expect(mail?.subject).toMatch(NO_LINE_BREAK);
    expect(mail?.subject).toContain(
      "Career talk Bcc: victim@example.com X-Injected: 1 Reply-To: evil@example.com",
    );
  });

  it("Resend receives one-line subject and from, whatever MAIL_FROM holds", async () => {
    const { job } = await hostileInvitation();
    const result = await run(job, {
      MAILER: "resend",
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: env.FAKE_RESEND_URL,
      MAIL_FROM: "ATAS\r\nBcc: leak@example.com <hello@atas.dev>",
    });
    expect(result.explicitAcks).toEqual(["h1"]);
    const requests = (await (await fetch(`${env.FAKE_RESEND_URL}/__requests`)).json()) as {
      headers: Record<string, string>;
      body: { subject: string; from: string; to: string[] };
    }[];
    const request = requests.find((r) => r.headers["idempotency-key"] === job.key);
    expect(request?.body.subject).toMatch(NO_LINE_BREAK);
    expect(request?.body.subject).toContain("Career talk Bcc: victim@example.com");
    expect(request?.body.from).toBe("ATAS Bcc: leak@example.com <hello@atas.dev>");
    for (const to of request?.body.to ?? []) expect(to).toMatch(NO_LINE_BREAK);
  });
});
