import type { Env } from "../env";
import { purgeStaleEmailTokens } from "../identity/services/email-tokens";
import { purgeExpiredSessions } from "../identity/services/sessions";
import { systemContext } from "../shared/context";

/**
 * The daily early-morning run (22:00 UTC = 06:00 in Kuala Lumpur). It only finds work; anything
 * that sends mail is enqueued. Today it clears expired sessions and mail tokens.
 */
export async function runDailyCron(controller: Pick<ScheduledController, "scheduledTime">, env: Env) {
  const { db } = systemContext(env);
  const now = controller.scheduledTime;
  await purgeExpiredSessions(db, now);
  await purgeStaleEmailTokens(db, now);
}
