import { eq } from "drizzle-orm";
import { users } from "../../identity/schema";
import { type AvailabilityWindow, expertProfiles } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from "../../shared/errors";
import { type InvitationKind, invitationEvents, invitationSlots, invitations } from "../schema";
import { fitsAvailability } from "./availability";
import { refuseBusyStarts, refuseFarStarts } from "./expert-sessions";
import { actsFor } from "./invitation-access";
import { proposalText, requireReadyProposal } from "./proposal-gate";
import { type SourceNoteLookup, sourceNoteFor } from "./source-notes";

export interface CreateInvitationInput {
  expertId: string;
  /** A club's id when an officer writes for the club; defaults to the signed-in user. */
  requesterId?: string;
  kind: InvitationKind;
  title: string;
  agenda: string;
  slots: string[];
  durationMinutes: number;
  format: "online" | "onsite";
  venue?: string | null;
  audienceSize: number;
  honorarium?: { amount: number; currency: string } | null;
  language: string;
  responseDeadline: string;
  proposal?: string | null;
  /** "Ask this expert": the note the invitation was started from (by or about the expert). */
  sourceNoteId?: string | null;
}

const HOUR = 3600_000;

/** Creates a draft. Slots must sit inside the expert's weekly availability, after the response deadline. */
export async function createInvitation({
  ctx,
  input,
  sourceNotes,
}: {
  ctx: ActionContext;
  input: CreateInvitationInput;
  /** Finds a note under atas-link's visibility rule (see source-notes.ts). */
  sourceNotes: SourceNoteLookup;
}) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const requesterId = input.requesterId ?? actor.id;
  const requester =
    requesterId === actor.id
      ? actor
      : await ctx.db.select().from(users).where(eq(users.id, requesterId)).get();
  if (!requester || !(await actsFor(ctx, actor, requesterId)))
    throw new Forbidden("You cannot invite on behalf of this account.");
  if (requester.role !== "student" && requester.role !== "club") {
    throw new Forbidden("Only students and clubs send invitations.");
  }

  const expert = await ctx.db
    .select({
      id: users.id,
      availability: expertProfiles.availability,
      accepting: expertProfiles.acceptingInvitations,
    })
    .from(users)
    .innerJoin(expertProfiles, eq(expertProfiles.userId, users.id))
    .where(eq(users.id, input.expertId))
    .get();
  if (!expert) throw new NotFound("No such expert.");
  if (!expert.accepting)
    throw new Conflict("This expert is not accepting invitations right now.", "not-accepting");
  const { deadline, starts } = checkTerms(input, expert.availability);
  // Checked as the actor (an officer writing for a club sees notes as themself).
  const sourceNote = input.sourceNoteId
    ? await sourceNoteFor(ctx, sourceNotes, actor, input.sourceNoteId, expert.id)
    : null;
  // The invite form greys out the expert's booked times; a time that overlaps one is refused here too.
  await refuseBusyStarts(ctx, { expertId: expert.id, starts, durationMinutes: input.durationMinutes }, "any");
  const proposal = proposalText(input.proposal);
  if (proposal)
    await requireReadyProposal(ctx, { text: proposal, expertId: expert.id, slotInstants: starts, deadline });
  const now = Date.now();

  const id = crypto.randomUUID();
  await ctx.db.batch([
    ctx.db.insert(invitations).values({
      id,
      requesterId,
      expertId: expert.id,
      createdBy: actor.id,
      kind: input.kind,
      title: input.title.trim(),
      agenda: input.agenda.trim(),
      durationMinutes: input.durationMinutes,
      format: input.format,
      venue: input.format === "onsite" ? (input.venue?.trim() ?? null) : null,
      audienceSize: input.audienceSize,
      honorariumAmount: input.honorarium?.amount ?? null,
      honorariumCurrency: input.honorarium?.currency ?? null,
      language: input.language,
      responseDeadline: deadline,
      proposal,
      sourceNoteId: sourceNote?.id ?? null,
      updatedAt: now,
    }),
    ctx.db.insert(invitationSlots).values(
      starts.map((startsAt) => ({
        invitationId: id,
        startsAt,
        round: 0,
        proposedBy: "requester" as const,
      })),
    ),
    ctx.db.insert(invitationEvents).values({
      invitationId: id,
      actorId: actor.id,
      action: "create",
      fromStatus: "draft",
      toStatus: "draft",
    }),
  ]);
  return id;
}

/**
 * The terms every draft must meet, at creation and at each edit: a venue when on site, distinct
 * times inside the expert's weekly availability, all after a deadline at least an hour away.
 */
export function checkTerms(
  input: Pick<CreateInvitationInput, "format" | "venue" | "responseDeadline" | "slots" | "durationMinutes">,
  availability: AvailabilityWindow[],
) {
  if (input.format === "onsite" && !input.venue?.trim())
    throw new BadRequest("An on-site invitation needs a venue.", { field: "venue" });

  const now = Date.now();
  const deadline = Date.parse(input.responseDeadline);
  const starts = input.slots.map((slot) => Date.parse(slot));
  if (new Set(starts).size !== starts.length)
    throw new BadRequest("The proposed times must differ.", { field: "slots" });
  if (deadline < now + HOUR)
    throw new BadRequest("The response deadline must be at least an hour away.", {
      field: "responseDeadline",
    });
  refuseFarStarts(starts, now);
  if (starts.some((start) => start <= deadline)) {
    throw new BadRequest("Every proposed time must be after the response deadline.", { field: "slots" });
  }
  const outside = starts.filter((start) => !fitsAvailability(start, input.durationMinutes, availability));
  if (outside.length > 0) {
    throw new BadRequest("A proposed time is outside the expert's availability.", {
      field: "slots",
      outside: outside.map((start) => new Date(start).toISOString()),
    });
  }

  return { deadline, starts };
}
