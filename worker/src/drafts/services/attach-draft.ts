import { eq } from "drizzle-orm";
import { checkProposal, editDraft } from "../../pro";
import type { ActionContext } from "../../shared/context";
import { BadRequest, Conflict } from "../../shared/errors";
import { proposalDrafts } from "../schema";
import { proposalFacts } from "./proposal-facts";
import { draftFor } from "./read-draft";

/**
 * Attaches the requester's edit of a finished draft as the invitation's proposal. The edited text
 * is checked again (bounds, a proposed date, the ask with the deadline, no placeholder left): a
 * failing text is a 400 naming each problem, and nothing is attached.
 */
export async function attachDraft({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; text: string };
}) {
  const draft = await draftFor(ctx, input.id);
  if (draft.status !== "ready")
    throw new Conflict("Only a finished draft can be attached.", "draft-not-ready");
  const text = input.text.trim();
  const { facts } = await proposalFacts(ctx, draft);
  const problems = checkProposal(text, facts);
  if (problems.length > 0)
    throw new BadRequest("The proposal is not ready to attach.", { code: "proposal-checks", problems });
  await editDraft({ ctx, input: { id: draft.invitationId, patch: { proposal: text } } });
  await ctx.db
    .update(proposalDrafts)
    .set({ attachedAt: Date.now(), text })
    .where(eq(proposalDrafts.id, draft.id));
  return { proposal: text };
}
