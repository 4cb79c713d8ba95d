import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { expertProfiles } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import { Conflict, Forbidden } from "../../shared/errors";
import { invitationSlots, invitations } from "../schema";
import { type CreateInvitationInput, checkTerms } from "./create-invitation";
import { refuseBusyStarts } from "./expert-sessions";
import { invitationFor } from "./invitation-access";
import { insertIfTransition } from "./invitation-writes";
import { proposalText, requireReadyProposal } from "./proposal-gate";

export type DraftPatch = Partial<Omit<CreateInvitationInput, "expertId" | "requesterId">>;

const iso = (instant: number) => new Date(instant).toISOString();

/**
 * Edits a draft; the terms are checked again as a whole. A changed draft needs a fresh officer
 * sign-off, since the officer approved the old text.
 */
export async function editDraft({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; patch: DraftPatch };
}) {
  const { invitation, party } = await invitationFor(ctx, input.id);
  if (party !== "requester") throw new Forbidden("Only the requester edits a draft.");
  if (invitation.status !== "draft") throw new Conflict("Only a draft can be edited.", "not-a-draft");
  const slots = await ctx.db
    .select()
    .from(invitationSlots)
    .where(eq(invitationSlots.invitationId, invitation.id))
    .all();
  const expert = await ctx.db
    .select({ availability: expertProfiles.availability })
    .from(expertProfiles)
    .where(eq(expertProfiles.userId, invitation.expertId))
    .get();
  const merged = {
    format: input.patch.format ?? invitation.format,
    venue: input.patch.venue !== undefined ? input.patch.venue : invitation.venue,
    responseDeadline: input.patch.responseDeadline ?? iso(invitation.responseDeadline),
    slots: input.patch.slots ?? slots.map((s) => iso(s.startsAt)),
    durationMinutes: input.patch.durationMinutes ?? invitation.durationMinutes,
  };
  const { deadline, starts } = checkTerms(merged, expert?.availability ?? []);
  if (input.patch.slots || input.patch.durationMinutes)
    await refuseBusyStarts(
      ctx,
      {
        expertId: invitation.expertId,
        starts,
        durationMinutes: merged.durationMinutes,
        invitationId: invitation.id,
      },
      "any",
    );
  const proposal = input.patch.proposal === undefined ? undefined : proposalText(input.patch.proposal);
  if (proposal)
    await requireReadyProposal(ctx, {
      text: proposal,
      expertId: invitation.expertId,
      slotInstants: starts,
      deadline,
    });
  const now = Date.now();
  const honorarium = input.patch.honorarium;
  const transitionId = crypto.randomUUID();
  const ours = sql`exists (select 1 from ${invitations} where ${invitations.id} = ${invitation.id} and ${invitations.transitionId} = ${transitionId})`;
  const newSlots = input.patch.slots
    ? [
        ctx.db.delete(invitationSlots).where(and(eq(invitationSlots.invitationId, invitation.id), ours)),
        ...starts.map((startsAt) =>
          insertIfTransition(
            ctx.db,
            invitationSlots,
            {
              id: crypto.randomUUID(),
              invitationId: invitation.id,
              startsAt,
              round: 0,
              proposedBy: "requester",
            },
            invitation.id,
            transitionId,
          ),
        ),
      ]
    : [];
  // The update and the slot replacement are one batch; the slots change only if the update applied.
  const [updated] = (await ctx.db.batch([
    ctx.db
      .update(invitations)
      .set({
        ...(input.patch.kind ? { kind: input.patch.kind } : {}),
        ...(input.patch.title ? { title: input.patch.title.trim() } : {}),
        ...(input.patch.agenda ? { agenda: input.patch.agenda.trim() } : {}),
        ...(input.patch.audienceSize ? { audienceSize: input.patch.audienceSize } : {}),
        ...(input.patch.language ? { language: input.patch.language } : {}),
        ...(proposal !== undefined ? { proposal } : {}),
        ...(honorarium !== undefined
          ? { honorariumAmount: honorarium?.amount ?? null, honorariumCurrency: honorarium?.currency ?? null }
          : {}),
        format: merged.format,
        venue: merged.format === "onsite" ? (merged.venue?.trim() ?? null) : null,
        durationMinutes: merged.durationMinutes,
        responseDeadline: deadline,
        signedOffBy: null,
        version: invitation.version + 1,
        transitionId,
        updatedAt: now,
      })
      .where(
        and(
          eq(invitations.id, invitation.id),
          eq(invitations.version, invitation.version),
          eq(invitations.status, "draft"),
        ),
      )
      .returning({ id: invitations.id }),
    ...newSlots,
  ] as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]])) as [{ id: string }[], ...unknown[]];
  if (updated.length === 0) throw new Conflict("The draft changed meanwhile; reload and try again.", "stale");
}
