import type { Mail, Mailer } from "./interface";

// Any line break or other control character (HTAB aside) would let user text start a new header.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const BREAKS = /[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]+/g;

/** Header text on one line: each run of line breaks or control characters becomes one space. */
export function oneLine(text: string): string {
  return text.replace(BREAKS, " ");
}

/**
 * Every mailer is built through this, so whatever a template puts in a header (an invitation
 * title, a display name) reaches the provider on one line. Bodies are left as they are.
 */
export function withOneLineHeaders(mailer: Mailer): Mailer {
  return {
    send(mail: Mail, idempotencyKey: string) {
      return mailer.send(
        {
          ...mail,
          to: oneLine(mail.to),
          subject: oneLine(mail.subject),
          ...(mail.attachments
            ? { attachments: mail.attachments.map((a) => ({ ...a, filename: oneLine(a.filename) })) }
            : {}),
        },
        idempotencyKey,
      );
    },
  };
}
