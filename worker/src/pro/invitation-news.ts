import type { NotificationFacts } from "../notifications/schema";
import type { InvitationState } from "./schema";

/** What happened, in one line, for mails and in-app notifications alike. */
const STATUS_LINES: Partial<Record<InvitationState, string>> = {
  sent: "sent you an invitation",
  scheduled: "accepted, and the session is scheduled",
  declined: "declined the invitation",
  countered: "proposed other times for the invitation",
  cancelled: "cancelled the invitation",
  completed: "marked the session completed",
  expired: "reports that this invitation expired without an answer",
};

export function invitationNews(actorName: string, status: string, title: string): string {
  const line = STATUS_LINES[status as InvitationState] ?? `moved the invitation to ${status}`;
  return `${actorName} ${line}: "${title}"`;
}

/** The stored English line of a notification; pages may instead say `facts` in the reader's language. */
export function notificationText(facts: NotificationFacts): string {
  return facts.event === "message"
    ? `${facts.actor} wrote about "${facts.title}"`
    : invitationNews(facts.actor, facts.event, facts.title);
}
