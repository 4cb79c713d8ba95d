import { and, eq, lt, or, sql } from "drizzle-orm";
import { DrafterRefused, type DraftUsage } from "../../adapters/drafter/interface";
import { createDb } from "../../db/client";
import type { Env } from "../../env";
import type { AiJob } from "../../jobs/contracts";
import { checkProposal } from "../../pro";
import type { DraftFrame } from "../../realtime";
import { inboxOf } from "../../realtime";
import type { ActionContext } from "../../shared/context";
import { proposalDrafts } from "../schema";
import { proposalFacts } from "./proposal-facts";

/** How long a claimed job belongs to its worker before a redelivery may take it over. */
export const DRAFT_LEASE_MS = 120_000;
/** Text reaches the page in steps at least this far apart (fewer Durable Object calls). */
const PUSH_EVERY_MS = 60;
/** The text so far is saved to D1 this often, so a reload mid-way shows it. */
const SAVE_EVERY_MS = 1_000;

type Step = Omit<DraftFrame, "type" | "draftId" | "sentAt">;

/**
 * Writes one draft. The claim (a conditional update) makes the job idempotent: a second delivery
 * of the same job finds the draft writing or written and stops before calling the provider. The
 * text streams to the requester's inbox as it comes and is saved as it grows; when done it is
 * checked and stored with its usage. A temporary provider failure puts the draft back in the
 * queue state and rethrows, so the queue retries; a refusal fails the draft at once.
 */
export async function runDraftJob(ctx: ActionContext, job: AiJob): Promise<"written" | "skipped" | "failed"> {
  const { env } = ctx;
  const drafter = ctx.adapters.drafter;
  const now = Date.now();
  const [draft] = await ctx.db
    .update(proposalDrafts)
    .set({
      status: "writing",
      attempts: sql`${proposalDrafts.attempts} + 1`,
      leaseUntil: now + DRAFT_LEASE_MS,
      text: "",
      error: null,
    })
    .where(
      and(
        eq(proposalDrafts.id, job.draftId),
        or(
          eq(proposalDrafts.status, "queued"),
          and(eq(proposalDrafts.status, "writing"), lt(proposalDrafts.leaseUntil, now)),
        ),
      ),
    )
    .returning();
  if (!draft) return "skipped";
  const push = draftPusher(env, draft.requestedBy, draft.id);
  await push({ status: "writing", offset: 0, chunk: "" });

  let text = "";
  let pending = "";
  let pushedAt = Date.now();
  let savedAt = Date.now();
  const flush = async () => {
    if (!pending) return;
    const chunk = pending;
    pending = "";
    await push({ status: "writing", offset: text.length, chunk });
    text += chunk;
    pushedAt = Date.now();
  };
  try {
    const { request, facts } = await proposalFacts(ctx, draft);
    const stream = drafter.draft(request);
    let usage: DraftUsage;
    for (;;) {
      const step = await stream.next();
      if (step.done) {
        usage = step.value;
        break;
      }
      pending += step.value;
      if (Date.now() - pushedAt >= PUSH_EVERY_MS) await flush();
      if (Date.now() - savedAt >= SAVE_EVERY_MS) {
        savedAt = Date.now();
        await ctx.db
          .update(proposalDrafts)
          .set({ text, leaseUntil: savedAt + DRAFT_LEASE_MS })
          .where(and(eq(proposalDrafts.id, draft.id), eq(proposalDrafts.status, "writing")));
      }
    }
    await flush();
    await ctx.db
      .update(proposalDrafts)
      .set({
        status: "ready",
        text,
        problems: checkProposal(text, facts),
        provider: drafter.name,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        leaseUntil: null,
        finishedAt: Date.now(),
      })
      .where(eq(proposalDrafts.id, draft.id));
    await push({ status: "ready", offset: text.length, chunk: "" });
    return "written";
  } catch (error) {
    if (error instanceof DrafterRefused) {
      await failDraft(env, draft.id, `The AI service refused the request (${error.message}).`);
      return "failed";
    }
    // Timeouts, 5xx, 429 and anything unforeseen: back to the queue state; the queue retries.
    await ctx.db
      .update(proposalDrafts)
      .set({
        status: "queued",
        error: String(error instanceof Error ? error.message : error),
        leaseUntil: null,
      })
      .where(eq(proposalDrafts.id, draft.id));
    await push({
      status: "queued",
      offset: 0,
      chunk: "",
      error: "The AI service did not answer; trying again.",
    });
    throw error;
  }
}

/** Marks a draft failed for good (a refusal, or retries exhausted) and tells the page why. */
export async function failDraft(env: Env, draftId: string, reason: string): Promise<void> {
  const [draft] = await createDb(env.DB)
    .update(proposalDrafts)
    .set({ status: "failed", error: reason, leaseUntil: null, finishedAt: Date.now() })
    .where(
      and(
        eq(proposalDrafts.id, draftId),
        or(eq(proposalDrafts.status, "queued"), eq(proposalDrafts.status, "writing")),
      ),
    )
    .returning({ requestedBy: proposalDrafts.requestedBy });
  if (draft)
    await draftPusher(
      env,
      draft.requestedBy,
      draftId,
    )({ status: "failed", offset: 0, chunk: "", error: reason });
}

/** Live push is best effort: the page falls back to D1 (GET /api/drafts/{id}) whatever happens here. */
function draftPusher(env: Env, userId: string, draftId: string) {
  const inbox = inboxOf(env, userId);
  return async (step: Step) => {
    try {
      await inbox.draftProgress({ ...step, draftId, sentAt: Date.now() });
    } catch (error) {
      console.warn(`draft ${draftId}: live push failed: ${String(error)}`);
    }
  };
}
