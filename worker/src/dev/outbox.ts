import { desc } from "drizzle-orm";
import { outboxMails } from "../adapters/mailer/outbox-schema";
import type { ActionContext } from "../shared/context";

/** The newest mails the dev outbox received, shaped as /dev/mail.json documents them. */
export async function listOutbox({ ctx }: { ctx: ActionContext }) {
  const rows = await ctx.db.select().from(outboxMails).orderBy(desc(outboxMails.createdAt)).limit(200).all();
  return rows.map((m) => ({
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    createdAt: new Date(m.createdAt).toISOString(),
  }));
}
