import { z } from "@hono/zod-openapi";
import { ROLES } from "../../identity/schema";
import { ACTIONS } from "../invitation-machine";
import { FORMATS, INVITATION_KINDS, INVITATION_STATES } from "../schema";

const Instant = z.string().datetime({ offset: true }).openapi({ example: "2026-12-15T11:00:00Z" });

export const CreateInvitationSchema = z
  .object({
    expertId: z.string().uuid(),
    requesterId: z
      .string()
      .uuid()
      .optional()
      .openapi({ description: "A club's id when an officer writes for the club" }),
    kind: z.enum(INVITATION_KINDS),
    title: z.string().trim().min(3).max(140),
    agenda: z.string().trim().min(1).max(4000),
    slots: z.array(Instant).min(1).max(3),
    durationMinutes: z.number().int().min(15).max(480),
    format: z.enum(FORMATS),
    venue: z.string().trim().max(200).nullable().optional(),
    audienceSize: z.number().int().min(1).max(5000),
    honorarium: z
      .object({ amount: z.number().int().min(0).max(10_000_000), currency: z.string().regex(/^[A-Z]{3}$/) })
      .strict()
      .nullable()
      .optional(),
    language: z.enum(["en", "zh", "ms", "ta"]),
    responseDeadline: Instant,
    proposal: z.string().max(8000).nullable().optional(),
    sourceNoteId: z
      .string()
      .uuid()
      .nullable()
      .optional()
      .openapi({ description: "Ask this expert: a note you can see, by or about the expert" }),
  })
  .strict()
  .openapi("CreateInvitation");

export const InvitationSchema = z
  .object({
    id: z.string(),
    requesterId: z.string(),
    expertId: z.string(),
    kind: z.enum(INVITATION_KINDS),
    title: z.string(),
    agenda: z.string(),
    durationMinutes: z.number(),
    format: z.enum(FORMATS),
    venue: z.string().nullable(),
    audienceSize: z.number(),
    honorarium: z.object({ amount: z.number(), currency: z.string() }).nullable(),
    language: z.string(),
    responseDeadline: z.string(),
    status: z.enum(INVITATION_STATES),
    scheduledStart: z.string().nullable(),
    signedOff: z.boolean(),
    proposal: z.string().nullable(),
    introductionNote: z.string().nullable(),
    sentAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi("Invitation");

const Person = z.object({
  id: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  headline: z.string().nullable(),
  verified: z.boolean().nullable().openapi({ description: "Experts only: vetted (null for others)" }),
});

export const InvitationPageSchema = z
  .object({
    invitation: InvitationSchema,
    party: z.enum(["requester", "expert"]),
    actions: z.array(z.enum(ACTIONS)),
    requester: Person,
    introducer: Person.nullable(),
    expert: Person,
    slots: z.array(
      z.object({
        id: z.string(),
        startsAt: z.string(),
        round: z.number(),
        proposedBy: z.enum(["requester", "expert"]),
        current: z.boolean(),
      }),
    ),
    history: z.array(
      z.object({
        action: z.string(),
        fromStatus: z.string(),
        toStatus: z.string(),
        message: z.string().nullable(),
        createdAt: z.string(),
        actorName: z.string(),
      }),
    ),
    sourceNote: z
      .object({ id: z.string(), title: z.string() })
      .nullable()
      .openapi({ description: "The note the invitation was started from, if the viewer may see it" }),
    canReview: z.boolean(),
    viewerId: z.string(),
  })
  .openapi("InvitationPage");

export const TransitionBodySchema = z
  .object({
    slotId: z.string().uuid().optional(),
    slots: z.array(Instant).min(1).max(3).optional(),
    message: z.string().max(2000).optional(),
  })
  .strict();

export const DashboardSchema = z
  .object({
    counts: z.object({ pending: z.number(), upcoming: z.number(), past: z.number() }),
    invitations: z.array(
      InvitationSchema.extend({ side: z.enum(["requester", "expert"]), counterpartName: z.string() }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi("Dashboard");

export const MessageSchema = z
  .object({
    id: z.string(),
    body: z.string(),
    createdAt: z.string(),
    authorId: z.string(),
    authorName: z.string(),
  })
  .openapi("InvitationMessage");

export const ReviewSchema = z
  .object({
    rating: z.number(),
    body: z.string(),
    createdAt: z.string(),
    authorId: z.string(),
    authorName: z.string(),
  })
  .openapi("Review");
