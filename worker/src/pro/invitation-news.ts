import type { InvitationScheduleNews, NotificationFacts } from "../notifications/schema";
import type { InvitationState } from "./schema";

/** What happened, in one line, for mails and in-app notifications alike. */
const STATUS_LINES: Partial<Record<InvitationState | InvitationScheduleNews, string>> = {
  sent: "sent you an invitation",
  scheduled: "accepted, and the session is scheduled",
  declined: "declined the invitation",
  countered: "proposed other times for the invitation",
  cancelled: "cancelled the invitation",
  completed: "marked the session completed",
  expired: "reports that this invitation expired without an answer",
  "reschedule-proposed": "proposed new times for the session",
  "reschedule-countered": "proposed other new times for the session",
  rescheduled: "accepted a new time; the session is moved",
  "reschedule-declined": "declined the new times; the session keeps its time",
  "reschedule-withdrawn": "withdrew the proposed new times",
  "meeting-link": "set the meeting link for the session",
};

export function invitationNews(actorName: string, status: string, title: string): string {
  const line =
    STATUS_LINES[status as InvitationState | InvitationScheduleNews] ?? `moved the invitation to ${status}`;
  return `${actorName} ${line}: "${title}"`;
}

/** The stored English line of a notification; pages may instead say `facts` in the reader's language. */
export function notificationText(facts: NotificationFacts): string {
  return facts.event === "message"
    ? `${facts.actor} wrote about "${facts.title}"`
    : invitationNews(facts.actor, facts.event, facts.title);
}

/** The news a reschedule step or a meeting link change is, by its history action. */
export const SCHEDULE_NEWS: Record<string, InvitationScheduleNews> = {
  "reschedule-propose": "reschedule-proposed",
  "reschedule-counter": "reschedule-countered",
  "reschedule-accept": "rescheduled",
  "reschedule-decline": "reschedule-declined",
  "reschedule-withdraw": "reschedule-withdrawn",
  "meeting-link": "meeting-link",
};
