import type { ActionContext } from "../../shared/context";
import { Conflict } from "../../shared/errors";
import { invitationFor } from "./invitation-access";
import { invitationCalendar } from "./invitation-ics";
import { invitationPeople } from "./invitation-people";

/** The .ics for a scheduled (or completed) session, for either side. */
export async function invitationCalendarFile({ ctx, input }: { ctx: ActionContext; input: { id: string } }) {
  const { invitation } = await invitationFor(ctx, input.id);
  if (!invitation.scheduledStart || !["scheduled", "completed"].includes(invitation.status)) {
    throw new Conflict("Only a scheduled session has a calendar file.", "not-scheduled");
  }
  return invitationCalendar(invitation, await invitationPeople(ctx, invitation));
}
