import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, id, instant } from "../db/columns";
import { users } from "../identity/schema";

export const INVITATION_KINDS = ["talk", "workshop", "panel", "mentoring", "mock-interview"] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

export const INVITATION_STATES = [
  "draft",
  "sent",
  "accepted",
  "declined",
  "countered",
  "scheduled",
  "completed",
  "cancelled",
  "expired",
] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

export const FORMATS = ["online", "onsite"] as const;

/**
 * An invitation from a requester (a student, or a club co-owned by its officers) to an expert.
 * `version` rises with every transition; a transition only applies to the version it read, so two
 * concurrent actions cannot both win (D1 has no interactive transactions).
 */
export const invitations = sqliteTable(
  "invitations",
  {
    id: id(),
    requesterId: text("requester_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expertId: text("expert_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: INVITATION_KINDS }).notNull(),
    title: text("title").notNull(),
    agenda: text("agenda").notNull(),
    durationMinutes: integer("duration_minutes").notNull(),
    format: text("format", { enum: FORMATS }).notNull(),
    venue: text("venue"),
    audienceSize: integer("audience_size").notNull(),
    /** Minor units (sen, cents); null means no honorarium. */
    honorariumAmount: integer("honorarium_amount"),
    honorariumCurrency: text("honorarium_currency"),
    language: text("language").notNull(),
    responseDeadline: instant("response_deadline").notNull(),
    status: text("status", { enum: INVITATION_STATES }).notNull().default("draft"),
    version: integer("version").notNull().default(0),
    /** Set by each transition; statements batched with it only apply if it is theirs. */
    transitionId: text("transition_id"),
    /** The chosen slot's start once scheduled (UTC ms). */
    scheduledStart: instant("scheduled_start"),
    /** A club officer's approval, required before a club's invitation is sent. */
    signedOffBy: text("signed_off_by").references(() => users.id),
    proposal: text("proposal"),
    /** The mutual connection who endorsed this invitation (a warm introduction), if any. */
    introducedBy: text("introduced_by").references(() => users.id, { onDelete: "set null" }),
    introductionNote: text("introduction_note"),
    /** An online session's meeting link, set by either side; shown to the two sides and to people going. */
    meetingLink: text("meeting_link"),
    /** The expert's yes (given when accepting) to being named on a public event. */
    expertNamedPublicly: integer("expert_named_publicly", { mode: "boolean" }).notNull().default(true),
    /** "Ask this expert": the note this invitation was started from (no foreign key: notes live in atas-link). */
    sourceNoteId: text("source_note_id"),
    sentAt: instant("sent_at"),
    respondedAt: instant("responded_at"),
    completedAt: instant("completed_at"),
    createdAt: createdAt(),
    updatedAt: instant("updated_at").notNull(),
  },
  (t) => [
    index("invitations_expert_status_idx").on(t.expertId, t.status, t.updatedAt),
    index("invitations_requester_status_idx").on(t.requesterId, t.status, t.updatedAt),
    index("invitations_deadline_idx").on(t.status, t.responseDeadline),
    index("invitations_scheduled_idx").on(t.status, t.scheduledStart),
    // The dashboards' "upcoming" lists: one side's scheduled sessions in start order.
    index("invitations_expert_upcoming_idx").on(t.expertId, t.status, t.scheduledStart),
    index("invitations_requester_upcoming_idx").on(t.requesterId, t.status, t.scheduledStart),
  ],
);
export type Invitation = typeof invitations.$inferSelect;

/** Proposed start times. Round 0 is the requester's; each counter-proposal adds a round. */
export const invitationSlots = sqliteTable(
  "invitation_slots",
  {
    id: id(),
    invitationId: text("invitation_id")
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    startsAt: instant("starts_at").notNull(),
    round: integer("round").notNull(),
    proposedBy: text("proposed_by", { enum: ["requester", "expert"] }).notNull(),
  },
  (t) => [index("invitation_slots_invitation_idx").on(t.invitationId, t.round)],
);

/** The invitation's history: every transition, who made it, and its optional message. */
export const invitationEvents = sqliteTable(
  "invitation_events",
  {
    id: id(),
    invitationId: text("invitation_id")
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    actorId: text("actor_id").references(() => users.id),
    action: text("action").notNull(),
    fromStatus: text("from_status").notNull(),
    toStatus: text("to_status").notNull(),
    message: text("message"),
    createdAt: createdAt(),
  },
  (t) => [index("invitation_events_invitation_idx").on(t.invitationId, t.createdAt)],
);

export const invitationMessages = sqliteTable(
  "invitation_messages",
  {
    id: id(),
    invitationId: text("invitation_id")
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("invitation_messages_invitation_idx").on(t.invitationId, t.createdAt)],
);

/**
 * How many invitations each user has in each state, per side: kept by triggers on `invitations`
 * (migrations/0008), so the dashboards' counts read a handful of rows however busy the user is.
 * The expert side counts only what was sent.
 */
export const invitationTallies = sqliteTable(
  "invitation_tallies",
  {
    userId: text("user_id").notNull(),
    side: text("side", { enum: ["requester", "expert"] }).notNull(),
    status: text("status", { enum: INVITATION_STATES }).notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.side, t.status] })],
);

/** One review per side per completed invitation. */
export const reviews = sqliteTable(
  "reviews",
  {
    id: id(),
    invitationId: text("invitation_id")
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    subjectId: text("subject_id")
      .notNull()
      .references(() => users.id),
    rating: integer("rating").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("reviews_one_per_side").on(t.invitationId, t.authorId),
    index("reviews_subject_idx").on(t.subjectId, t.createdAt),
  ],
);

export const INTRODUCTION_STATUSES = ["pending", "endorsed", "declined"] as const;

/**
 * A warm introduction: the requester asks a mutual connection (the connector) to vouch for their
 * invitation to an expert. Endorsed, the invitation reaches the expert marked "introduced by".
 */
export const introductions = sqliteTable(
  "introductions",
  {
    id: id(),
    invitationId: text("invitation_id")
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    requesterId: text("requester_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    connectorId: text("connector_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expertId: text("expert_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    message: text("message"),
    /** What the connector says to the expert when endorsing. */
    note: text("note"),
    status: text("status", { enum: INTRODUCTION_STATUSES }).notNull().default("pending"),
    createdAt: createdAt(),
    answeredAt: instant("answered_at"),
  },
  (t) => [
    index("introductions_connector_idx").on(t.connectorId, t.status, t.createdAt),
    index("introductions_invitation_idx").on(t.invitationId),
    // One open ask per invitation and connector.
    uniqueIndex("introductions_pending_idx")
      .on(t.invitationId, t.connectorId)
      .where(sql`${t.status} = 'pending'`),
  ],
);
export type Introduction = typeof introductions.$inferSelect;

export const RESCHEDULE_STATUSES = [
  "open",
  "accepted",
  "declined",
  "withdrawn",
  "countered",
  "closed",
] as const;

/**
 * A proposal to move a scheduled session (reschedule-machine.ts): its times are `rescheduleSlots`.
 * Counters chain by `round` (1 for the first proposal); at most one proposal per invitation is open.
 */
export const invitationReschedules = sqliteTable(
  "invitation_reschedules",
  {
    id: id(),
    invitationId: text("invitation_id")
      .notNull()
      .references(() => invitations.id, { onDelete: "cascade" }),
    proposedBy: text("proposed_by", { enum: ["requester", "expert"] }).notNull(),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    round: integer("round").notNull(),
    status: text("status", { enum: RESCHEDULE_STATUSES }).notNull().default("open"),
    message: text("message"),
    createdAt: createdAt(),
    answeredAt: instant("answered_at"),
  },
  (t) => [
    index("invitation_reschedules_invitation_idx").on(t.invitationId, t.createdAt),
    uniqueIndex("invitation_reschedules_one_open").on(t.invitationId).where(sql`${t.status} = 'open'`),
  ],
);
export type InvitationReschedule = typeof invitationReschedules.$inferSelect;

export const rescheduleSlots = sqliteTable(
  "reschedule_slots",
  {
    id: id(),
    rescheduleId: text("reschedule_id")
      .notNull()
      .references(() => invitationReschedules.id, { onDelete: "cascade" }),
    startsAt: instant("starts_at").notNull(),
  },
  (t) => [index("reschedule_slots_reschedule_idx").on(t.rescheduleId)],
);
