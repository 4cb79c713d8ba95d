import type { Env } from "../env";
import { purgeStaleEmailTokens } from "../identity/services/email-tokens";
import { purgeExpiredSessions } from "../identity/services/sessions";
import { earlyMorningRun } from "../pro/services/early-morning-run";
import { systemContext } from "../shared/context";

/**
 * The daily early-morning run (22:00 UTC = 06:00 in Kuala Lumpur). It only finds work; anything
 * that sends mail is enqueued: invitation reminders and expiry (pro/services/early-morning-run.ts),
 * then housekeeping of expired sessions and mail tokens.
 */
export async function runDailyCron(controller: Pick<ScheduledController, "scheduledTime">, env: Env) {
  const ctx = systemContext(env);
  const now = controller.scheduledTime;
  const report = await earlyMorningRun(ctx, now);
  console.log(`early-morning run: ${JSON.stringify(report)}`);
  await purgeExpiredSessions(ctx.db, now);
  await purgeStaleEmailTokens(ctx.db, now);
  return report;
}
