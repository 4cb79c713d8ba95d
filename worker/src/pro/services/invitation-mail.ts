import { eq } from "drizzle-orm";
import type { Mail } from "../../adapters/mailer/interface";
import type { User } from "../../identity/schema";
import { mails } from "../../jobs/mail-templates";
import type { ActionContext } from "../../shared/context";
import { invitationEvents, invitations } from "../schema";
import { invitationCalendar } from "./invitation-ics";
import { invitationPeople } from "./invitation-people";

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The mail telling `recipient` what happened to an invitation; a scheduled session carries its calendar file. */
export async function invitationUpdateMail(
  ctx: Pick<ActionContext, "db">,
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
  const mail = mails.invitationUpdate(recipient.email, recipient.displayName, {
    title: invitation.title,
    actor: event.actorId ? actor : "ATAS",
    status: event.toStatus,
    message: event.message,
    when: event.toStatus === "scheduled" ? people.localTime : null,
    url,
  });
  if (event.toStatus === "scheduled" || event.toStatus === "cancelled") {
    const calendar = invitationCalendar(
      invitation,
      people,
      event.toStatus === "scheduled" ? "REQUEST" : "CANCEL",
    );
    mail.attachments = [
      { filename: "invitation.ics", contentType: "text/calendar; charset=utf-8", content: base64(calendar) },
    ];
  }
  return mail;
}
