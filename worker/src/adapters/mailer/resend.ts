import { type Mail, type Mailer, MailRejected } from "./interface";

const RESEND_API = "https://api.resend.com";

/** Resend's REST API (`POST /emails`). 5xx and 429 throw a plain Error so the queue retries. */
export function resendMailer(options: { apiKey: string; from: string; baseUrl?: string }): Mailer {
  const base = (options.baseUrl ?? RESEND_API).replace(/\/$/, "");
  return {
    async send(mail: Mail, idempotencyKey: string) {
      const response = await fetch(`${base}/emails`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          "content-type": "application/json",
          "idempotency-key": idempotencyKey,
        },
        body: JSON.stringify({
          from: options.from,
          to: [mail.to],
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          ...(mail.attachments?.length
            ? {
                attachments: mail.attachments.map((a) => ({
                  filename: a.filename,
                  content: a.content,
                  content_type: a.contentType,
                })),
              }
            : {}),
        }),
      });
      if (response.ok) return;
      const detail = await response.text();
      if (response.status === 429 || response.status >= 500) {
        throw new Error(`resend answered ${response.status}: ${detail.slice(0, 200)}`);
      }
      throw new MailRejected(`resend refused the mail (${response.status}): ${detail.slice(0, 200)}`);
    },
  };
}
