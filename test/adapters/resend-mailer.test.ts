import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MailRejected } from "../../worker/src/adapters/mailer/interface";
import { resendMailer } from "../../worker/src/adapters/mailer/resend";

const mailer = (apiKey = "re_test_key", baseUrl = env.FAKE_RESEND_URL) =>
  resendMailer({ apiKey, from: "ATAS <hello@atas.dev>", baseUrl });

const mailTo = (to: string) => ({ to, subject: "Hello", text: "Hi", html: "<p>Hi</p>" });

async function received(key: string) {
  const all = (await (await fetch(`${env.FAKE_RESEND_URL}/__requests`)).json()) as {
    headers: Record<string, string>;
    body: Record<string, unknown>;
  }[];
  return all.find((r) => r.headers["idempotency-key"] === key);
}

/** What a failure of Resend means for the mail job: retry (a plain Error) or dead letter (MailRejected). */
async function outcome(send: Promise<void>): Promise<"sent" | "retry" | "dead letter"> {
  try {
    await send;
    return "sent";
  } catch (error) {
    return error instanceof MailRejected ? "dead letter" : "retry";
  }
}

describe("the Resend mailer (official SDK)", () => {
  it("posts the mail with the bearer key, the idempotency key and the attachments", async () => {
    const key = `resend-test:${crypto.randomUUID()}`;
    await mailer().send(
      {
        ...mailTo("someone@example.com"),
        attachments: [{ filename: "invite.ics", contentType: "text/calendar", content: "QkVHSU4=" }],
      },
      key,
    );
    const request = await received(key);
    expect(request?.headers.authorization).toBe("Bearer re_test_key");
    expect(request?.body).toMatchObject({
      from: "ATAS <hello@atas.dev>",
      to: ["someone@example.com"],
      subject: "Hello",
      text: "Hi",
      html: "<p>Hi</p>",
      attachments: [{ filename: "invite.ics", content_type: "text/calendar", content: "QkVHSU4=" }],
    });
  });

  it("maps Resend's answers to retry or dead letter", async () => {
    const key = () => `resend-test:${crypto.randomUUID()}`;
    expect(await outcome(mailer().send(mailTo("box+fail@example.com"), key()))).toBe("retry"); // 500
    expect(await outcome(mailer().send(mailTo("box+limit@example.com"), key()))).toBe("retry"); // 429
    expect(await outcome(mailer().send(mailTo("box+reject@example.com"), key()))).toBe("dead letter"); // 422
    expect(await outcome(mailer("re_wrong").send(mailTo("a@example.com"), key()))).toBe("dead letter"); // 401
    // Nothing listens on port 9: the request never arrives, which a later attempt may get past.
    expect(
      await outcome(mailer("re_test_key", "http://127.0.0.1:9").send(mailTo("a@example.com"), key())),
    ).toBe("retry");
  });
});
