import type { Db } from "../../db/client";
import type { Mail, Mailer } from "./interface";
import { outboxMails } from "./outbox-schema";

/** The local twin of Resend: mail lands in D1 and is read at /dev/mail. */
export function outboxMailer(db: Db): Mailer {
  return {
    async send(mail: Mail, idempotencyKey: string) {
      // The idempotency key is the row id, so a retried job cannot deliver twice.
      await db
        .insert(outboxMails)
        .values({ id: idempotencyKey, ...mail, attachments: mail.attachments ?? [] })
        .onConflictDoNothing({ target: outboxMails.id });
    },
  };
}
