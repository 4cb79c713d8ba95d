import type { ActionContext } from "../../shared/context";
import type { Invitation } from "../schema";
import { announceInvitationChange } from "./announce-invitation-change";
import { deliverInvitationNews } from "./notify-invitation";

export interface InvitationNewsDelivery {
  recipients: string[];
  eventId: string;
  text: string;
  invitationId: string;
}

/**
 * Runs once a scheduled session's time or fate has changed and the change is committed: a
 * reschedule accepted (the session moved), or a scheduled session cancelled or completed.
 * `invitation` is the row as written; `historyEventId` the invitation_events row of the change.
 * Anything that follows a session's schedule (the other side's mail with the updated calendar
 * file, live pushes, an event note's job) belongs here, after the commit, never before it.
 */
export async function afterScheduleChange(
  ctx: ActionContext,
  invitation: Invitation,
  historyEventId: string,
  news: Omit<InvitationNewsDelivery, "eventId">,
) {
  await deliverInvitationNews(ctx, { ...news, eventId: historyEventId });
  // An atas-link event published from this session tells everyone going (a queued job).
  await announceInvitationChange(ctx, invitation.id, historyEventId);
}
