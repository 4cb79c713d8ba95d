import { and, eq, gt, inArray, lte } from "drizzle-orm";
import type { EmailJob } from "../../jobs/contracts";
import { claimMorning, localClock, type Morning } from "../../jobs/morning";
import { timeZonesOf } from "../../profiles";
import type { ActionContext } from "../../shared/context";
import { step } from "../invitation-machine";
import { type Invitation, invitations } from "../schema";
import { commitTransition } from "./invitation-writes";
import { sideMembers } from "./notify-invitation";

const HOUR = 3600_000;
const QUEUE_BATCH = 100;

export interface RunReport {
  /** Deadline reminders claimed this run (one per recipient). */
  deadlineReminders: number;
  expired: number;
  /** Session reminders (today or tomorrow) claimed this run (one per recipient). */
  sessionReminders: number;
  mailsQueued: number;
}

interface Reminder {
  subjectId: string;
  kind: "deadline" | "session-today" | "session-tomorrow";
  recipientId: string;
  localDate: string;
}

const MAIL_OF: Record<Reminder["kind"], EmailJob["kind"]> = {
  deadline: "deadline-reminder",
  "session-today": "session-today",
  "session-tomorrow": "session-reminder",
};

/**
 * atas-pro's part of the hourly morning run. It only finds work and enqueues mail; the email queue
 * sends. Each reminder goes to a person in their own zone (profiles' timeZonesOf: an expert's
 * availability zone, else their campus's) when it is morning there, claimed once per (invitation,
 * kind, person, local date) first, so a second run the same local day sends nothing.
 *  - answers due within 48 hours: the side that has to answer (the expert for "sent", the
 *    requester and its club officers for "countered");
 *  - scheduled sessions today (still to start) and tomorrow, in each person's local calendar: both sides.
 */
export async function invitationMorning(ctx: ActionContext, morning: Morning) {
  const now = morning.now;
  const reminders: Reminder[] = [];

  const due = await ctx.db
    .select()
    .from(invitations)
    .where(
      and(
        inArray(invitations.status, ["sent", "countered"]),
        gt(invitations.responseDeadline, now),
        lte(invitations.responseDeadline, now + 48 * HOUR),
      ),
    )
    .all();
  for (const { invitation, userId, zone } of await recipients(ctx, due, (i) =>
    i.status === "sent" ? "expert" : "requester",
  )) {
    const today = morning.today(zone);
    if (today)
      reminders.push({ subjectId: invitation.id, kind: "deadline", recipientId: userId, localDate: today });
  }

  const sessions = await ctx.db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.status, "scheduled"),
        gt(invitations.scheduledStart, now),
        // Tomorrow ends at most 42 hours after 06:00 today (a 25-hour day), in any zone.
        lte(invitations.scheduledStart, now + 50 * HOUR),
      ),
    )
    .all();
  for (const { invitation, userId, zone } of await recipients(ctx, sessions, "both")) {
    const today = morning.today(zone);
    if (!today || invitation.scheduledStart === null) continue;
    const day = localClock(invitation.scheduledStart, zone)?.date;
    if (day === today)
      reminders.push({
        subjectId: invitation.id,
        kind: "session-today",
        recipientId: userId,
        localDate: today,
      });
    else if (day === morning.tomorrow(zone))
      reminders.push({
        subjectId: invitation.id,
        kind: "session-tomorrow",
        recipientId: userId,
        localDate: today,
      });
  }

  const claimed = await claimMorning(ctx.db, reminders);
  const jobs: EmailJob[] = claimed.map((r) => ({
    kind: MAIL_OF[r.kind],
    userId: r.recipientId,
    invitationId: r.subjectId,
    origin: ctx.origin,
    key: `${MAIL_OF[r.kind]}:${r.subjectId}:${r.recipientId}:${r.localDate}`,
  }));
  await enqueue(ctx, jobs);
  return {
    deadlineReminders: claimed.filter((r) => r.kind === "deadline").length,
    sessionReminders: claimed.filter((r) => r.kind !== "deadline").length,
    mailsQueued: jobs.length,
  };
}

/**
 * Every hour, for everyone (not a reminder, so not tied to anyone's morning): invitations past
 * their deadline expire, and the requester side is told (the mail suggests similar experts). The
 * expire transition is version-guarded, so a second run finds nothing to do.
 */
export async function expireOverdueInvitations(ctx: ActionContext, now: number) {
  const overdue = await ctx.db
    .select()
    .from(invitations)
    .where(and(inArray(invitations.status, ["sent", "countered"]), lte(invitations.responseDeadline, now)))
    .all();
  const jobs: EmailJob[] = [];
  let expired = 0;
  for (const invitation of overdue) {
    const done = await expire(ctx, invitation, now);
    if (!done) continue;
    expired++;
    for (const userId of done.recipients)
      jobs.push({
        kind: "invitation-update",
        userId,
        invitationId: invitation.id,
        eventId: done.eventId,
        origin: ctx.origin,
        key: `invitation-update:${done.eventId}:${userId}`,
      });
  }
  await enqueue(ctx, jobs);
  return { expired, mailsQueued: jobs.length };
}

/** Each invitation's recipients on the given side(s), with each person's own zone. */
async function recipients(
  ctx: ActionContext,
  rows: Invitation[],
  side: "both" | ((invitation: Invitation) => "requester" | "expert"),
) {
  const people: { invitation: Invitation; userId: string }[] = [];
  for (const invitation of rows) {
    const sides = side === "both" ? (["requester", "expert"] as const) : [side(invitation)];
    for (const s of sides)
      for (const userId of await sideMembers(ctx, invitation, s)) people.push({ invitation, userId });
  }
  const zones = await timeZonesOf(
    ctx,
    people.map((p) => p.userId),
  );
  return people.map((p) => ({ ...p, zone: zones.get(p.userId) ?? "" }));
}

async function enqueue(ctx: ActionContext, jobs: EmailJob[]) {
  for (let i = 0; i < jobs.length; i += QUEUE_BATCH) {
    await ctx.env.EMAIL_QUEUE.sendBatch(
      jobs.slice(i, i + QUEUE_BATCH).map((body) => ({ body, contentType: "json" as const })),
    );
  }
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
