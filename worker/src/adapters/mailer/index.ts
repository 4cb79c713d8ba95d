import type { Db } from "../../db/client";
import type { Env } from "../../env";
import { oneLine, withOneLineHeaders } from "./headers";
import type { Mailer } from "./interface";
import { outboxMailer } from "./outbox";
import { resendMailer } from "./resend";

/** Configuration alone picks the mailer: MAILER=resend with RESEND_API_KEY, else the dev outbox. */
export function mailerFor(env: Env, db: Db): Mailer {
  if (env.MAILER === "resend") {
    if (!env.RESEND_API_KEY) throw new Error("MAILER=resend needs the RESEND_API_KEY secret");
    return withOneLineHeaders(
      resendMailer({
        apiKey: env.RESEND_API_KEY,
        from: oneLine(env.MAIL_FROM ?? "ATAS <hello@atas.dev>"),
        ...(env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : {}),
      }),
    );
  }
  return withOneLineHeaders(outboxMailer(db));
}
