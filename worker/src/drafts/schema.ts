import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { DRAFT_LANGUAGES, DRAFT_LENGTHS, DRAFT_TONES } from "../adapters/drafter/interface";
import { createdAt, id, instant, json } from "../db/columns";
import { users } from "../identity/schema";
import { invitations } from "../pro/schema";

export const DRAFT_STATUSES = ["queued", "writing", "ready", "failed"] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

export interface ProposalProblem {
  code: "too-short" | "too-long" | "no-date" | "no-ask" | "placeholder";
  message: string;
}

/**
 * An AI-written proposal for an invitation: queued by the request, written by the `ai` queue's
 * consumer, then edited and attached by the requester. The row is the job's state; `lease_until`
 * lets a redelivered job take over one whose worker died, and nothing else.
 */
export const proposalDrafts = sqliteTable(
  "proposal_drafts",
  {
    id: id(),
    invitationId: text("invitation_id")
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    requestedBy: text("requested_by")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The client's Idempotency-Key: a repeated request returns the first draft. */
    requestKey: text("request_key"),
    status: text("status", { enum: DRAFT_STATUSES }).notNull().default("queued"),
    tone: text("tone", { enum: DRAFT_TONES }).notNull(),
    language: text("language", { enum: DRAFT_LANGUAGES }).notNull(),
    length: text("length", { enum: DRAFT_LENGTHS }).notNull(),
    text: text("text").notNull().default(""),
    /** What the checks found in the finished text (empty when it may be attached as is). */
    problems: json<ProposalProblem[]>("problems").notNull().default([]),
    error: text("error"),
    provider: text("provider"),
    promptTokens: integer("prompt_tokens"),
    completionTokens: integer("completion_tokens"),
    attempts: integer("attempts").notNull().default(0),
    leaseUntil: instant("lease_until"),
    attachedAt: instant("attached_at"),
    createdAt: createdAt(),
    finishedAt: instant("finished_at"),
  },
  (t) => [
    uniqueIndex("proposal_drafts_request_key_idx").on(t.requestedBy, t.requestKey),
    index("proposal_drafts_invitation_idx").on(t.invitationId, t.createdAt),
    index("proposal_drafts_finished_idx").on(t.finishedAt),
  ],
);
export type ProposalDraft = typeof proposalDrafts.$inferSelect;
