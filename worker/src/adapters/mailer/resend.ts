import { Resend } from "resend";
import { type Mail, type Mailer, MailRejected } from "./interface";

/**
 * Resend through its official SDK (`emails.send`, which runs on Workers: it only needs fetch).
 * The SDK never throws for an API error; it returns `{ error }` with the HTTP status as
 * `statusCode`. 429 and 5xx are temporary and throw a plain Error so the queue retries; any other
 * status is a refusal (MailRejected: dead letter). No status at all means the request or its
 * answer never arrived whole (network, DNS, a torn body), which is temporary too.
 */
export function resendMailer(options: { apiKey: string; from: string; baseUrl?: string }): Mailer {
  // baseUrl is the SDK's own option (tests point it at a local server speaking Resend's API).
  const resend = new Resend(
    options.apiKey,
    options.baseUrl ? { baseUrl: options.baseUrl.replace(/\/$/, "") } : {},
  );
  return {
    async send(mail: Mail, idempotencyKey: string) {
      const { error } = await resend.emails.send(
        {
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
                  contentType: a.contentType,
                })),
              }
            : {}),
        },
        { idempotencyKey },
      );
      if (!error) return;
      const status = typeof error.statusCode === "number" ? error.statusCode : null;
      const detail = `${error.name}: ${error.message}`.slice(0, 200);
      if (status === null || status === 429 || status >= 500)
        throw new Error(`resend answered ${status ?? "nothing"}: ${detail}`);
      throw new MailRejected(`resend refused the mail (${status}): ${detail}`);
    },
  };
}
