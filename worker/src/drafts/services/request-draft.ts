import { and, eq } from "drizzle-orm";
import type { DraftLanguage, DraftLength, DraftTone } from "../../adapters/drafter/interface";
import { invitationFor } from "../../pro";
import type { ActionContext } from "../../shared/context";

import { systemContext } from "../../shared/context";
import { Conflict, Forbidden, ServiceUnavailable } from "../../shared/errors";
import { enforceAll } from "../../shared/rate-limit";
import { type ProposalDraft, proposalDrafts } from "../schema";
import { runDraftJob } from "./run-draft-job";

export interface DraftOptions {
  tone?: DraftTone | undefined;
  language?: DraftLanguage | undefined;
  length?: DraftLength | undefined;
}

/**
 * Queues an AI draft of the invitation's proposal and answers at once; the `ai` queue writes it.
 * Only the requester's side drafts, and only while the invitation is a draft. Both limits are spent
 * here, after those checks: anonymous or invalid calls from a shared campus address must not use up
 * a signed-in student's per-IP allowance. Both in one store round trip (one pipeline); each has its
 * own budget, as in @upstash/ratelimit, so a request refused by one still spends a token of the other.
 * A repeated request with the same idempotency key returns the first draft and queues nothing.
 */
export async function requestDraft({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { invitationId: string; options: DraftOptions; requestKey: string | null };
}): Promise<{ draft: ProposalDraft; repeated: boolean }> {
  const { invitation, party, actor } = await invitationFor(ctx, input.invitationId);
  if (party !== "requester") throw new Forbidden("Only the requester's side drafts a proposal.");
  if (invitation.status !== "draft")
    throw new Conflict("A proposal is drafted before the invitation is sent.", "not-a-draft");
  if (input.requestKey) {
    const earlier = await ctx.db
      .select()
      .from(proposalDrafts)
      .where(and(eq(proposalDrafts.requestedBy, actor.id), eq(proposalDrafts.requestKey, input.requestKey)))
      .get();
    if (earlier) return { draft: earlier, repeated: true };
  }
  await enforceAll(ctx.env, [
    { policy: "draftIp", identifier: ctx.ip },
    { policy: "draftAccount", identifier: actor.id },
  ]);
  const language = input.options.language ?? (invitation.language === "zh" ? "zh" : "en");
  const [draft] = await ctx.db
    .insert(proposalDrafts)
    .values({
      invitationId: invitation.id,
      requestedBy: actor.id,
      requestKey: input.requestKey,
      tone: input.options.tone ?? "warm",
      language,
      length: input.options.length ?? "medium",
    })
    .onConflictDoNothing()
    .returning();
  if (!draft) {
    // The same key raced in from another request: that one queued the job.
    const winner = await ctx.db
      .select()
      .from(proposalDrafts)
      .where(
        and(eq(proposalDrafts.requestedBy, actor.id), eq(proposalDrafts.requestKey, input.requestKey ?? "")),
      )
      .get();
    if (!winner) throw new Conflict("The draft request collided; try again.");
    return { draft: winner, repeated: true };
  }
  if (ctx.env.DRAFT_DELIVERY === "inline") {
    // The blocking behaviour the queue replaced, kept only so bench/drafts.ts can measure the difference.
    await runDraftJob(systemContext(ctx.env, ctx.adapters), {
      kind: "draft",
      key: draft.id,
      draftId: draft.id,
    });
    return { draft, repeated: false };
  }
  try {
    await ctx.env.AI_QUEUE.send({ kind: "draft", key: draft.id, draftId: draft.id });
  } catch (error) {
    console.warn(`draft ${draft.id}: could not queue: ${String(error)}`);
    await ctx.db
      .update(proposalDrafts)
      .set({ status: "failed", error: "The drafting queue is unavailable.", finishedAt: Date.now() })
      .where(eq(proposalDrafts.id, draft.id));
    throw new ServiceUnavailable("The drafting queue is unavailable; try again shortly.", 30);
  }
  return { draft, repeated: false };
}
