import type { Env } from "./env";
import { purgeExpiredSessions, purgeStaleEmailTokens } from "./identity";
import { type Morning, type MorningStep, morningAt, purgeMorningClaims } from "./jobs/morning";
import { eventsMorning, refreshCandidateSets, refreshTrending, sweepUnattachedImages } from "./link";
import { expireOverdueInvitations, invitationMorning } from "./pro";
import { timeZonesInUse } from "./profiles";
import type { ActionContext, Adapters } from "./shared/context";
import { systemContext } from "./shared/context";

/** Every hour: expiry for everyone, and the morning reminders of the zones where it is now 06:00–08:59. */
export const HOURLY_CRON = "0 * * * *";
/** atas-link: candidate sets re-scored (their time decay), trending counts decayed, abandoned uploads swept. */
export const FEEDS_CRON = "*/10 * * * *";
/** The UTC hour of the once-a-day housekeeping (22:00 UTC, the old daily run's slot). */
export const HOUSEKEEPING_UTC_HOUR = 22;

/**
 * Each domain's part of the morning: it gets the morning (the zones where it is now morning, and
 * their local dates) and claims what it sends through jobs/morning.ts's claimMorning, once per
 * (subject, kind, recipient, local date). atas-link's events (today and tomorrow for everyone
 * going, waitlist changes) add their step here.
 */
export const MORNING_STEPS: [string, MorningStep<ActionContext>][] = [
  ["invitations", invitationMorning],
  ["events", eventsMorning],
];

export interface HourlyReport {
  deadlineReminders: number;
  expired: number;
  sessionReminders: number;
  mailsQueued: number;
  /** The zones served as "morning" by this run, with their local date. */
  morningZones: Record<string, string>;
  housekeeping: boolean;
  /** Each step's own figures (or "failed: …"). */
  steps: Record<string, unknown>;
}

/**
 * The hourly run. It only finds work; anything that sends mail is enqueued. Steps are independent:
 * one failing does not stop the others, and the run then throws so the failure shows in the cron log.
 * Which hours serve whom, and what a missed hour means: jobs/morning.ts.
 */
export async function runHourlyCron(
  controller: Pick<ScheduledController, "scheduledTime">,
  env: Env,
  adapters: Adapters,
): Promise<HourlyReport> {
  const ctx = systemContext(env, adapters);
  const now = controller.scheduledTime;
  const morning: Morning = morningAt(now, await timeZonesInUse(ctx));
  const housekeeping = new Date(now).getUTCHours() === HOUSEKEEPING_UTC_HOUR;
  const steps: [string, () => Promise<Record<string, number> | undefined>][] = [
    ["expiry", () => expireOverdueInvitations(ctx, now)],
    ...MORNING_STEPS.map(([name, step]): [string, () => Promise<Record<string, number>>] => [
      name,
      () => (morning.zones.size > 0 ? step(ctx, morning) : Promise.resolve({})),
    ]),
  ];
  if (housekeeping)
    steps.push([
      "housekeeping",
      async () => {
        await purgeExpiredSessions(ctx.db, now);
        await purgeStaleEmailTokens(ctx.db, now);
        await purgeMorningClaims(ctx.db, now);
        return undefined;
      },
    ]);
  const report: HourlyReport = {
    deadlineReminders: 0,
    expired: 0,
    sessionReminders: 0,
    mailsQueued: 0,
    morningZones: Object.fromEntries(morning.zones),
    housekeeping,
    steps: {},
  };
  const failures: unknown[] = [];
  for (const [name, step] of steps) {
    try {
      const figures = (await step()) ?? {};
      report.steps[name] = figures;
      for (const key of ["deadlineReminders", "expired", "sessionReminders", "mailsQueued"] as const)
        report[key] += figures[key] ?? 0;
    } catch (error) {
      failures.push(error);
      report.steps[name] = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  console.log(`hourly run at ${new Date(now).toISOString()}: ${JSON.stringify(report)}`);
  if (failures.length > 0)
    throw new AggregateError(failures, `hourly run: ${failures.length} step(s) failed`);
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
