import { eq } from "drizzle-orm";
import type { Mail } from "../../adapters/mailer/interface";
import { type User, users } from "../../identity/schema";
import type { EmailJob } from "../../jobs/contracts";
import { timeZonesOf } from "../../profiles";
import type { ActionContext } from "../../shared/context";
import { base64 } from "../../shared/crypto";
import { SCHEDULE_NEWS } from "../invitation-news";
import { invitationMails } from "../mails";
import { type Invitation, invitationEvents, invitations } from "../schema";
import { invitationCalendar } from "./invitation-ics";
import { invitationPeople } from "./invitation-people";
import { similarExperts } from "./similar-experts";

/** The mail telling `recipient` what happened to an invitation; a scheduled session carries its calendar file. */
export async function invitationUpdateMail(
  ctx: Pick<ActionContext, "db" | "adapters">,
  recipient: User,
  eventId: string,
  origin: string,
): Promise<Mail | null> {
  const event = await ctx.db.select().from(invitationEvents).where(eq(invitationEvents.id, eventId)).get();
  if (!event) return null;
  const invitation = await ctx.db
    .select()
    .from(invitations)
    .where(eq(invitations.id, event.invitationId))
    .get();
  if (!invitation) return null;
  const people = await invitationPeople(ctx, invitation);
  const actor = event.actorId === invitation.expertId ? people.expert.name : people.requester.name;
  const url = `${origin}/invitations/${invitation.id}`;
  const suggestions = event.toStatus === "expired" ? await similarExperts(ctx, invitation) : [];
  const news = event.action === "counter" ? "countered" : (SCHEDULE_NEWS[event.action] ?? event.toStatus);
  const calendar = calendarMethod(event, invitation);
  const mail = invitationMails.invitationUpdate(recipient.email, recipient.displayName, {
    title: invitation.title,
    actor: event.actorId ? actor : "ATAS",
    status: news,
    // The expert reads who introduced it and the requester's proposal in the mail that brings it.
    message:
      event.message ??
      (event.toStatus === "sent" && recipient.id === invitation.expertId
        ? await introducedProposal(ctx, invitation)
        : null),
    when: calendar === "REQUEST" ? people.localTime : null,
    url,
    suggestions: suggestions.map((e) => ({
      name: e.displayName,
      headline: e.headline,
      url: `${origin}/experts/${e.id}`,
      inNetwork: e.inNetwork,
    })),
  });
  if (calendar) {
    const file = invitationCalendar(invitation, people, calendar);
    mail.attachments = [
      {
        filename: "invitation.ics",
        contentType: `text/calendar; charset=utf-8; method=${calendar}`,
        content: base64(new TextEncoder().encode(file)),
      },
    ];
  }
  return mail;
}

/** History actions after which the session's calendar entry is sent again (METHOD:REQUEST). */
const CALENDAR_UPDATES = new Set(["schedule", "reschedule-accept", "meeting-link"]);

/**
 * Which calendar file the mail about `event` carries: the session as it now stands (REQUEST, same
 * UID, higher SEQUENCE) when it was scheduled, moved or given a link; CANCEL when a scheduled
 * session was cancelled; none otherwise. Read at send time, so a mail delayed past a later
 * change carries the latest version, never an older one.
 */
export function calendarMethod(
  event: { action: string; fromStatus: string; toStatus: string },
  invitation: Invitation,
): "REQUEST" | "CANCEL" | null {
  if (invitation.scheduledStart === null) return null;
  if (event.toStatus === "cancelled" && event.fromStatus === "scheduled")
    return invitation.status === "cancelled" ? "CANCEL" : null;
  if (CALENDAR_UPDATES.has(event.action) && event.toStatus === "scheduled")
    return invitation.status === "scheduled" ? "REQUEST" : null;
  return null;
}

/** The early-morning reminders: an answer due soon, or a session today or tomorrow. */
export async function reminderMail(
  ctx: Pick<ActionContext, "db">,
  recipient: User,
  invitationId: string,
  kind: "deadline-reminder" | "session-reminder" | "session-today",
  origin: string,
): Promise<Mail | null> {
  const invitation = await ctx.db.select().from(invitations).where(eq(invitations.id, invitationId)).get();
  if (!invitation) return null;
  const people = await invitationPeople(ctx, invitation);
  const url = `${origin}/invitations/${invitation.id}`;
  if (kind === "deadline-reminder") {
    if (!["sent", "countered"].includes(invitation.status)) return null;
    const zone = recipient.id === invitation.expertId ? people.expertZone : people.requesterZone;
    const deadline = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      dateStyle: "full",
      timeStyle: "short",
    }).format(new Date(invitation.responseDeadline));
    return invitationMails.deadlineReminder(recipient.email, recipient.displayName, {
      title: invitation.title,
      deadline: `${deadline} (${zone})`,
      url,
    });
  }
  if (invitation.status !== "scheduled" || invitation.scheduledStart === null) return null;
  // The time in the recipient's own zone: the same zone that chose the morning it arrives in.
  const zone = (await timeZonesOf(ctx, [recipient.id])).get(recipient.id) ?? people.expertZone;
  const when = `${new Intl.DateTimeFormat("en-GB", { timeZone: zone, dateStyle: "full", timeStyle: "short" }).format(new Date(invitation.scheduledStart))} (${zone})`;
  const compose = kind === "session-today" ? invitationMails.sessionToday : invitationMails.sessionReminder;
  return compose(recipient.email, recipient.displayName, { title: invitation.title, when, url });
}

async function introducedProposal(
  ctx: Pick<ActionContext, "db">,
  invitation: Invitation,
): Promise<string | null> {
  const introducer = invitation.introducedBy
    ? await ctx.db
        .select({ name: users.displayName })
        .from(users)
        .where(eq(users.id, invitation.introducedBy))
        .get()
    : undefined;
  const introduction = introducer
    ? `Introduced by ${introducer.name}${invitation.introductionNote ? `: "${invitation.introductionNote}"` : "."}`
    : null;
  return [introduction, invitation.proposal].filter(Boolean).join("\n\n") || null;
}

export const INVITATION_MAIL_KINDS = [
  "invitation-update",
  "deadline-reminder",
  "session-reminder",
  "session-today",
] as const;
export type InvitationMailKind = (typeof INVITATION_MAIL_KINDS)[number];

/** The invitation mail a job asks for, or null when the invitation moved on and there is nothing to say. */
export async function composeInvitationMail(
  ctx: Pick<ActionContext, "db" | "adapters">,
  job: EmailJob & { kind: InvitationMailKind },
): Promise<Mail | null> {
  const user = await ctx.db.select().from(users).where(eq(users.id, job.userId)).get();
  if (!user) return null;
  if (job.kind === "invitation-update")
    return job.eventId ? invitationUpdateMail(ctx, user, job.eventId, job.origin) : null;
  return job.invitationId ? reminderMail(ctx, user, job.invitationId, job.kind, job.origin) : null;
}
