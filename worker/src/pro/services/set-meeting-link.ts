import type { ActionContext } from "../../shared/context";
import { BadRequest, Conflict } from "../../shared/errors";
import { enforce } from "../../shared/rate-limit";
import { notificationText } from "../invitation-news";
import type { InvitationState } from "../schema";
import { invitationFor, refuseAcrossBlock } from "./invitation-access";
import { commitTransition } from "./invitation-writes";
import { deliverInvitationNews, sideMembers } from "./notify-invitation";

/** States in which an online session's link may still be set or changed. */
export const MEETING_LINK_STATES: ReadonlySet<InvitationState> = new Set([
  "draft",
  "sent",
  "countered",
  "scheduled",
]);
export const MEETING_LINK_MAX = 500;

/**
 * Sets (or clears, with null) an online session's meeting link, by either side. The link is shown
 * to the two sides and to people going to the session's event; a scheduled session's calendar file
 * is sent again with it (a version-guarded write, so SEQUENCE rises).
 */
export async function setMeetingLink({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; url: string | null };
}) {
  const { invitation, party, actor } = await invitationFor(ctx, input.id);
  await refuseAcrossBlock(ctx, invitation, actor);
  const url = input.url === null ? null : httpsUrl(input.url);
  if (invitation.format !== "online")
    throw new Conflict("Only an online session has a meeting link.", "not-online");
  if (!MEETING_LINK_STATES.has(invitation.status))
    throw new Conflict(
      `A ${invitation.status} invitation's meeting link cannot change.`,
      "invalid-transition",
    );
  if (url === invitation.meetingLink) return { meetingLink: url };
  // Each change mails the other side: a budget per account, spent only by a change that may apply.
  await enforce(ctx.env, "sessionChangeUser", actor.id);
  const now = Date.now();
  // A draft has not reached the expert yet: nobody else to tell.
  const recipients =
    invitation.sentAt === null
      ? []
      : (await sideMembers(ctx, invitation, party === "expert" ? "requester" : "expert")).filter(
          (id) => id !== actor.id,
        );
  const facts = { event: "meeting-link" as const, actor: actor.displayName, title: invitation.title };
  const event = {
    id: crypto.randomUUID(),
    actorId: actor.id,
    action: "meeting-link",
    fromStatus: invitation.status,
    toStatus: invitation.status,
    message: null,
  };
  const applied = await commitTransition(ctx, {
    invitation,
    to: invitation.status,
    changes: { meetingLink: url },
    events: [event],
    recipients,
    facts,
    now,
  });
  if (!applied)
    throw new Conflict("The invitation changed while you were acting; reload and try again.", "stale");
  await deliverInvitationNews(ctx, {
    recipients,
    eventId: event.id,
    text: notificationText(facts),
    invitationId: invitation.id,
  });
  return { meetingLink: url };
}

/** An https URL with a host, no credentials, at most MEETING_LINK_MAX characters, in its normal form. */
function httpsUrl(text: string): string {
  const refuse = () => new BadRequest("The meeting link must be an https:// address.", { field: "url" });
  const trimmed = text.trim();
  if (trimmed.length > MEETING_LINK_MAX) throw refuse();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw refuse();
  }
  if (url.protocol !== "https:" || !url.hostname || url.username || url.password) throw refuse();
  const normal = url.toString();
  if (normal.length > MEETING_LINK_MAX) throw refuse();
  return normal;
}
