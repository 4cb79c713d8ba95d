export interface MailAttachment {
  filename: string;
  contentType: string;
  /** Base64 of the file's bytes. */
  content: string;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
}

/** Sends one mail. `idempotencyKey` lets the provider drop a duplicate of a retried job. */
export interface Mailer {
  send(mail: Mail, idempotencyKey: string): Promise<void>;
}

/** The provider refused the mail for good (4xx other than 429): retrying cannot help. */
export class MailRejected extends Error {}
