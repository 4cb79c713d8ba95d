import type { Env } from "./env";
import { purgeExpiredSessions, purgeStaleEmailTokens } from "./identity";
import { refreshCandidateSets, refreshTrending, sweepUnattachedImages } from "./link";
import { earlyMorningRun } from "./pro";
import type { Adapters } from "./shared/context";
import { systemContext } from "./shared/context";

/** 22:00 UTC = 06:00 in Kuala Lumpur: reminders, expiry, housekeeping. */
export const DAILY_CRON = "0 22 * * *";
/** atas-link: candidate sets re-scored (their time decay), trending counts decayed, abandoned uploads swept. */
export const FEEDS_CRON = "*/10 * * * *";

/**
 * The daily early-morning run (22:00 UTC = 06:00 in Kuala Lumpur). It only finds work; anything
 * that sends mail is enqueued: invitation reminders and expiry (pro/services/early-morning-run.ts),
 * then housekeeping of expired sessions and mail tokens.
 */
export async function runDailyCron(
  controller: Pick<ScheduledController, "scheduledTime">,
  env: Env,
  adapters: Adapters,
) {
  const ctx = systemContext(env, adapters);
  const now = controller.scheduledTime;
  const report = await earlyMorningRun(ctx, now);
  console.log(`early-morning run: ${JSON.stringify(report)}`);
  await purgeExpiredSessions(ctx.db, now);
  await purgeStaleEmailTokens(ctx.db, now);
  return report;
}

/**
 * Every ten minutes: the work that keeps atas-link's sorted sets current between events.
 * Each step is independent; one failing does not stop the others.
 */
export async function runFeedsCron(
  controller: Pick<ScheduledController, "scheduledTime">,
  env: Env,
  adapters: Adapters,
) {
  const ctx = systemContext(env, adapters);
  const now = controller.scheduledTime;
  const steps: [string, () => Promise<unknown>][] = [
    ["discover candidates", () => refreshCandidateSets(ctx, now)],
    ["trending", () => refreshTrending(ctx, now)],
    // Here rather than daily: small bounded pages every ten minutes drain a burst of abandoned
    // uploads without one long run, and a failure is isolated like the other steps.
    ["unattached uploads", () => sweepUnattachedImages(ctx, now)],
  ];
  const report: Record<string, unknown> = {};
  for (const [name, step] of steps) {
    try {
      report[name] = await step();
    } catch (error) {
      report[name] = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  console.log(`feeds run at ${new Date(now).toISOString()}: ${JSON.stringify(report)}`);
  void ctx;
  return report;
}
