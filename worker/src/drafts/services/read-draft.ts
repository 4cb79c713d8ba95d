import { and, desc, eq } from "drizzle-orm";
import { invitationFor } from "../../pro";
import type { ActionContext } from "../../shared/context";
import { NotFound } from "../../shared/errors";
import { type ProposalDraft, proposalDrafts } from "../schema";

const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString());

export function draftView(draft: ProposalDraft) {
  return {
    id: draft.id,
    invitationId: draft.invitationId,
    status: draft.status,
    tone: draft.tone,
    language: draft.language,
    length: draft.length,
    text: draft.text,
    problems: draft.problems,
    error: draft.error,
    usage:
      draft.promptTokens === null
        ? null
        : {
            provider: draft.provider ?? "",
            promptTokens: draft.promptTokens,
            completionTokens: draft.completionTokens ?? 0,
          },
    attachedAt: iso(draft.attachedAt),
    createdAt: iso(draft.createdAt) ?? "",
    finishedAt: iso(draft.finishedAt),
  };
}
export type DraftView = ReturnType<typeof draftView>;

/**
 * A draft, for the requester's side of its invitation (whoever asked for it, or a fellow officer
 * of the same club); anyone else gets the same 404 as for an id that does not exist.
 */
export async function draftFor(ctx: ActionContext, id: string): Promise<ProposalDraft> {
  const draft = await ctx.db.select().from(proposalDrafts).where(eq(proposalDrafts.id, id)).get();
  if (!draft) throw new NotFound("No such draft.");
  const access = await invitationFor(ctx, draft.invitationId).catch(() => null);
  if (access?.party !== "requester") throw new NotFound("No such draft.");
  return draft;
}

export async function readDraft({ ctx, input }: { ctx: ActionContext; input: { id: string } }) {
  return draftView(await draftFor(ctx, input.id));
}

/** The invitation's recent drafts, newest first (the page resumes the latest). */
export async function listDrafts({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; limit: number };
}) {
  const { party } = await invitationFor(ctx, input.id);
  if (party !== "requester") throw new NotFound("No such invitation.");
  const rows = await ctx.db
    .select()
    .from(proposalDrafts)
    .where(and(eq(proposalDrafts.invitationId, input.id)))
    .orderBy(desc(proposalDrafts.createdAt))
    .limit(input.limit);
  return rows.map(draftView);
}
