import { z } from "@hono/zod-openapi";
import { ROLES } from "../../identity/schema";
import { ACTIONS } from "../invitation-machine";
import { RESCHEDULE_ACTIONS, RESCHEDULE_STATES } from "../reschedule-machine";
import { FORMATS, INVITATION_KINDS, INVITATION_STATES } from "../schema";
import { MEETING_LINK_MAX } from "../services/set-meeting-link";

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
    /** Counter-proposals left on the invitation before it must be accepted or declined. */
    countersLeft: z.number(),
    /** The open proposal to move the scheduled session, if any. */
    reschedule: z
      .object({
        id: z.string(),
        proposedBy: z.enum(["requester", "expert"]),
        proposerName: z.string(),
        round: z.number(),
        roundsLeft: z.number(),
        message: z.string().nullable(),
        createdAt: z.string(),
        slots: z.array(z.object({ id: z.string(), startsAt: z.string() })),
      })
      .nullable(),
    /** What the viewer may do about moving the session now (propose when none is open). */
    rescheduleActions: z.array(z.enum(RESCHEDULE_ACTIONS)),
    /** An online session's link: shown to the two sides only. */
    meetingLink: z.string().nullable(),
    canSetMeetingLink: z.boolean(),
    /** The expert's yes, given when accepting, to being named on a public event. */
    expertNamedPublicly: z.boolean(),
  })
  .openapi("InvitationPage");

export const TransitionBodySchema = z
  .object({
    slotId: z.string().uuid().optional(),
    slots: z.array(Instant).min(1).max(3).optional(),
    message: z.string().max(2000).optional(),
    namePublicly: z.boolean().optional().openapi({
      description:
        "accept or counter, by the expert: may the session's event name you publicly (default true; ignored from the requester)",
    }),
  })
  .strict();

export const RescheduleBodySchema = z
  .object({
    slots: z.array(Instant).min(1).max(3).optional().openapi({ description: "propose, counter: new times" }),
    slotId: z.string().uuid().optional().openapi({ description: "accept: one of the proposed times" }),
    message: z.string().max(2000).optional(),
  })
  .strict()
  .openapi("RescheduleBody");

export const RescheduleResultSchema = z
  .object({
    status: z.literal("scheduled"),
    reschedule: z.enum(RESCHEDULE_STATES),
    scheduledStart: z.string(),
  })
  .openapi("RescheduleResult");

export const MeetingLinkSchema = z
  .object({
    url: z.string().trim().max(MEETING_LINK_MAX).nullable().openapi({
      description: "An https:// address, or null to clear it",
      example: "https://meet.example.com/abc",
    }),
  })
  .strict()
  .openapi("MeetingLink");

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
