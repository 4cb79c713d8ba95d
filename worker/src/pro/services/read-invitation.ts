import { and, asc, eq, inArray } from "drizzle-orm";
import { users } from "../../identity/schema";
import { expertProfiles } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import { allowedActions, MAX_COUNTERS } from "../invitation-machine";
import { MAX_RESCHEDULE_ROUNDS, rescheduleActions } from "../reschedule-machine";
import { type Invitation, invitationEvents, invitationSlots, reviews } from "../schema";
import { blockedAcross, invitationFor } from "./invitation-access";
import { openReschedule } from "./reschedule-invitation";
import { MEETING_LINK_STATES } from "./set-meeting-link";
import type { SourceNoteLookup } from "./source-notes";

const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString());

export function invitationSummary(invitation: Invitation) {
  return {
    id: invitation.id,
    requesterId: invitation.requesterId,
    expertId: invitation.expertId,
    kind: invitation.kind,
    title: invitation.title,
    agenda: invitation.agenda,
    durationMinutes: invitation.durationMinutes,
    format: invitation.format,
    venue: invitation.venue,
    audienceSize: invitation.audienceSize,
    honorarium:
      invitation.honorariumAmount === null
        ? null
        : { amount: invitation.honorariumAmount, currency: invitation.honorariumCurrency ?? "MYR" },
    language: invitation.language,
    responseDeadline: iso(invitation.responseDeadline) ?? "",
    status: invitation.status,
    scheduledStart: iso(invitation.scheduledStart),
    signedOff: invitation.signedOffBy !== null,
    proposal: invitation.proposal,
    introductionNote: invitation.introductionNote,
    sentAt: iso(invitation.sentAt),
    updatedAt: iso(invitation.updatedAt) ?? "",
  };
}

/** Everything one side sees on the invitation page, including the actions open to it now. */
export async function readInvitation({
  ctx,
  input,
  sourceNotes,
}: {
  ctx: ActionContext;
  input: { id: string };
  sourceNotes: SourceNoteLookup;
}) {
  const { invitation, party, actor } = await invitationFor(ctx, input.id);
  // Where the request came from, as this viewer may see the note today (it may have turned private).
  const source = invitation.sourceNoteId ? await sourceNotes(ctx, actor, invitation.sourceNoteId) : null;
  const [people, slots, events, written] = await ctx.db.batch([
    ctx.db
      .select({
        id: users.id,
        displayName: users.displayName,
        role: users.role,
        headline: expertProfiles.headline,
        verification: expertProfiles.verification,
      })
      .from(users)
      .leftJoin(expertProfiles, eq(expertProfiles.userId, users.id))
      .where(
        inArray(
          users.id,
          [invitation.requesterId, invitation.expertId, invitation.introducedBy].filter((id) => id !== null),
        ),
      ),
    ctx.db
      .select()
      .from(invitationSlots)
      .where(eq(invitationSlots.invitationId, invitation.id))
      .orderBy(asc(invitationSlots.round), asc(invitationSlots.startsAt)),
    ctx.db
      .select({
        action: invitationEvents.action,
        fromStatus: invitationEvents.fromStatus,
        toStatus: invitationEvents.toStatus,
        message: invitationEvents.message,
        createdAt: invitationEvents.createdAt,
        actorName: users.displayName,
      })
      .from(invitationEvents)
      .leftJoin(users, eq(users.id, invitationEvents.actorId))
      .where(eq(invitationEvents.invitationId, invitation.id))
      .orderBy(asc(invitationEvents.createdAt)),
    ctx.db
      .select({ id: reviews.id })
      .from(reviews)
      .where(
        and(
          eq(reviews.invitationId, invitation.id),
          eq(reviews.authorId, party === "expert" ? invitation.expertId : invitation.requesterId),
        ),
      ),
  ]);
  const latestRound = Math.max(0, ...slots.map((s) => s.round));
  const open = invitation.status === "scheduled" ? await openReschedule(ctx, invitation.id) : null;
  // Across a block the session can still be cancelled, not moved or given a link (refuseAcrossBlock).
  const blocked = ["draft", "sent", "countered", "scheduled"].includes(invitation.status)
    ? await blockedAcross(ctx, invitation, actor)
    : false;
  const rescheduleRole = open === null || open.proposedBy === party ? "proposer" : "answerer";
  const person = (id: string) => {
    const p = people.find((x) => x.id === id);
    return {
      id,
      displayName: p?.displayName ?? "",
      role: p?.role ?? "student",
      headline: p?.headline ?? null,
      // Experts only: an unverified expert is labelled on the invitation page.
      verified: p?.role === "expert" ? p.verification === "verified" : null,
    };
  };
  return {
    invitation: invitationSummary(invitation),
    party,
    actions: allowedActions(invitation.status, party, latestRound),
    requester: person(invitation.requesterId),
    /** The mutual connection who introduced this invitation (a warm introduction), if any. */
    introducer: invitation.introducedBy ? person(invitation.introducedBy) : null,
    expert: person(invitation.expertId),
    slots: slots.map((s) => ({
      id: s.id,
      startsAt: new Date(s.startsAt).toISOString(),
      round: s.round,
      proposedBy: s.proposedBy,
      current: s.round === latestRound,
    })),
    history: events.map((e) => ({
      ...e,
      actorName: e.actorName ?? "ATAS",
      createdAt: new Date(e.createdAt).toISOString(),
    })),
    /** "Ask this expert": the note the requester started from, when this viewer may see it. */
    sourceNote: source ? { id: source.id, title: source.title } : null,
    canReview: invitation.status === "completed" && written.length === 0,
    viewerId: actor.id,
    countersLeft: Math.max(0, MAX_COUNTERS - latestRound),
    reschedule: open
      ? {
          id: open.id,
          proposedBy: open.proposedBy,
          proposerName: person(open.proposedBy === "expert" ? invitation.expertId : invitation.requesterId)
            .displayName,
          round: open.round,
          roundsLeft: Math.max(0, MAX_RESCHEDULE_ROUNDS - open.round),
          message: open.message,
          createdAt: new Date(open.createdAt).toISOString(),
          slots: open.slots.map((s) => ({ id: s.id, startsAt: new Date(s.startsAt).toISOString() })),
        }
      : null,
    rescheduleActions:
      invitation.status === "scheduled"
        ? rescheduleActions(open ? "open" : "none", rescheduleRole, open?.round ?? 0).filter(
            (action) => !blocked || action === "withdraw",
          )
        : [],
    meetingLink: invitation.format === "online" ? invitation.meetingLink : null,
    canSetMeetingLink:
      !blocked && invitation.format === "online" && MEETING_LINK_STATES.has(invitation.status),
    expertNamedPublicly: invitation.expertNamedPublicly,
  };
}
