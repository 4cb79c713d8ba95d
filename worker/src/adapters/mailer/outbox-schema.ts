import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, id } from "../../db/columns";

/** The dev outbox: where the local mailer (the twin of Resend, ./outbox.ts) delivers. Never read in production. */
export const outboxMails = sqliteTable("outbox_mails", {
  id: id(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  html: text("html").notNull(),
  /** Attached files as `{ filename, contentType, content (base64) }`. */
  attachments: text("attachments", { mode: "json" })
    .$type<{ filename: string; contentType: string; content: string }[]>()
    .notNull()
    .default([]),
  createdAt: createdAt(),
});
