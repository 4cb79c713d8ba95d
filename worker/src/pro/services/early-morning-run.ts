import { and, eq, gt, inArray, lte } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { inJsonList } from "../../db/client";
import { campuses, users } from "../../identity/schema";
import type { EmailJob } from "../../jobs/contracts";
import type { ActionContext } from "../../shared/context";
import { step } from "../invitation-machine";
import { cronReminders, type Invitation, invitations } from "../schema";
import { localTime } from "./availability";
import { DEFAULT_TIME_ZONE } from "./invitation-people";
import { commitTransition } from "./invitation-writes";
import { sideMembers } from "./notify-invitation";

const HOUR = 3600_000;
const QUEUE_BATCH = 100;

export interface RunReport {
  deadlineReminders: number;
  expired: number;
  sessionReminders: number;
  mailsQueued: number;
}

/**
 * The early-morning run. It only finds work and enqueues mail; the email queue sends. Every
 * effect is claimed in `cron_reminders` under the requester campus's local date first, so a
 * second run the same day claims nothing and sends nothing.
 */
export async function earlyMorningRun(ctx: ActionContext, now: number): Promise<RunReport> {
  const jobs: EmailJob[] = [];
  const report: RunReport = { deadlineReminders: 0, expired: 0, sessionReminders: 0, mailsQueued: 0 };

  // 1. Answers due within 48 hours: remind the side that has to answer.
  const due = await withZones(
    ctx,
    await ctx.db
      .select()
      .from(invitations)
      .where(
        and(
          inArray(invitations.status, ["sent", "countered"]),
          gt(invitations.responseDeadline, now),
          lte(invitations.responseDeadline, now + 48 * HOUR),
        ),
      )
      .all(),
  );
  for (const { invitation, zone } of await claim(ctx, due, "deadline", now)) {
    const side = invitation.status === "sent" ? "expert" : "requester";
    for (const userId of await sideMembers(ctx, invitation, side))
      jobs.push(job(ctx, "deadline-reminder", userId, invitation.id, zone, now));
    report.deadlineReminders++;
  }

  // 2. Past their deadline: expire, and tell the requester (the mail suggests similar experts).
  const overdue = await withZones(
    ctx,
    await ctx.db
      .select()
      .from(invitations)
      .where(and(inArray(invitations.status, ["sent", "countered"]), lte(invitations.responseDeadline, now)))
      .all(),
  );
  for (const { invitation, zone } of await claim(ctx, overdue, "expired", now)) {
    const expired = await expire(ctx, invitation, now);
    if (!expired) continue;
    const { eventId, recipients } = expired;
    report.expired++;
    for (const userId of recipients) {
      jobs.push({
        ...job(ctx, "invitation-update", userId, invitation.id, zone, now),
        eventId,
        key: `invitation-update:${eventId}:${userId}`,
      });
    }
  }

  // 3. Sessions tomorrow, in the requester campus's zone: remind both sides.
  const soon = await withZones(
    ctx,
    await ctx.db
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.status, "scheduled"),
          gt(invitations.scheduledStart, now),
          lte(invitations.scheduledStart, now + 50 * HOUR),
        ),
      )
      .all(),
  );
  const tomorrow = soon.filter(({ invitation, zone }) => {
    const next = localTime(now + 24 * HOUR, zone).date;
    return invitation.scheduledStart !== null && localTime(invitation.scheduledStart, zone).date === next;
  });
  for (const { invitation, zone } of await claim(ctx, tomorrow, "session-tomorrow", now)) {
    const people = [...(await sideMembers(ctx, invitation, "requester")), invitation.expertId];
    for (const userId of people) jobs.push(job(ctx, "session-reminder", userId, invitation.id, zone, now));
    report.sessionReminders++;
  }

  for (let i = 0; i < jobs.length; i += QUEUE_BATCH) {
    await ctx.env.EMAIL_QUEUE.sendBatch(
      jobs.slice(i, i + QUEUE_BATCH).map((body) => ({ body, contentType: "json" as const })),
    );
  }
  report.mailsQueued = jobs.length;
  return report;
}

function job(
  ctx: ActionContext,
  kind: EmailJob["kind"],
  userId: string,
  invitationId: string,
  zone: string,
  now: number,
): EmailJob {
  return {
    kind,
    userId,
    invitationId,
    origin: ctx.origin,
    key: `${kind}:${invitationId}:${userId}:${localTime(now, zone).date}`,
  };
}

/** Attaches the time zone of each requester's campus (Kuala Lumpur when there is none). */
async function withZones(ctx: ActionContext, rows: Invitation[]) {
  if (rows.length === 0) return [];
  const zones = await ctx.db
    .select({ id: users.id, zone: campuses.timeZone })
    .from(users)
    .leftJoin(campuses, eq(campuses.id, users.campusId))
    .where(inJsonList(users.id, [...new Set(rows.map((r) => r.requesterId))]))
    .all();
  const byUser = new Map(zones.map((z) => [z.id, z.zone ?? DEFAULT_TIME_ZONE]));
  return rows.map((invitation) => ({
    invitation,
    zone: byUser.get(invitation.requesterId) ?? DEFAULT_TIME_ZONE,
  }));
}

/** Claims (invitation, kind, local date) rows; returns only those this run claimed. */
async function claim<T extends { invitation: Invitation; zone: string }>(
  ctx: ActionContext,
  items: T[],
  kind: "deadline" | "expired" | "session-tomorrow",
  now: number,
) {
  const claimed: T[] = [];
  for (let i = 0; i < items.length; i += 50) {
    const slice = items.slice(i, i + 50);
    const statements = slice.map(({ invitation, zone }) =>
      ctx.db
        .insert(cronReminders)
        .values({ invitationId: invitation.id, kind, localDate: localTime(now, zone).date })
        .onConflictDoNothing()
        .returning({ id: cronReminders.invitationId }),
    );
    const results = (await ctx.db.batch(
      statements as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]],
    )) as { id: string }[][];
    results.forEach((rows, index) => {
      const item = slice[index];
      if (rows.length > 0 && item) claimed.push(item);
    });
  }
  return claimed;
}

/**
 * The system's "expire" transition, guarded like any other. Returns the event id and the
 * requester side it notified, or null if the invitation moved on.
 */
async function expire(ctx: ActionContext, invitation: Invitation, now: number) {
  const result = step(invitation.status, "expire", "system");
  if (!result.ok) return null;
  const eventId = crypto.randomUUID();
  const recipients = await sideMembers(ctx, invitation, "requester");
  const applied = await commitTransition(ctx, {
    invitation,
    to: result.to,
    events: [
      {
        id: eventId,
        actorId: null,
        action: "expire",
        fromStatus: invitation.status,
        toStatus: result.to,
        message: null,
      },
    ],
    recipients,
    facts: { event: "expired", actor: "ATAS", title: invitation.title },
    now,
  });
  return applied ? { eventId, recipients } : null;
}
