import type { z } from "zod";
import type { DraftView } from "../../../worker/src/drafts/services/read-draft";
import type { EventAttendee, EventBlock, EventItem, NoteSchema } from "../../../worker/src/link";
import type { NetworkExpert } from "../../../worker/src/network/services/network-experts";
import type {
  CreateInvitationSchema,
  DashboardSchema,
  InvitationPageSchema,
  MessageSchema,
  ReviewSchema,
} from "../../../worker/src/pro/routes/invitation-schemas";
import type { TrackRecord } from "../../../worker/src/pro/services/expert-track-record";
import type { ExpertCard } from "../../../worker/src/pro/services/search-experts";
import type {
  AccountSchema,
  ProfilePatchSchema,
  ProfileSchema,
} from "../../../worker/src/profiles/routes/schemas";

// The web app reads the API's own schemas as types only: one contract, nothing from the worker is bundled.
export type Account = z.infer<typeof AccountSchema>;
export type Profile = z.infer<typeof ProfileSchema>;
export type ProfilePatch = z.infer<typeof ProfilePatchSchema>;
export type Role = Account["role"];
export type AvailabilityWindow = NonNullable<Profile["expert"]>["availability"][number];

export type { DraftFrame, InboxFrame } from "../../../worker/src/realtime/inbox";
// Events (atas-link): a note with its event block, and the organisers' attendee list.
export type { DraftView, EventAttendee, EventBlock, EventItem, ExpertCard, NetworkExpert, TrackRecord };

export interface ExpertPage {
  experts: ExpertCard[];
  nextCursor: string | null;
}

export interface Expert {
  profile: Profile;
  trackRecord: TrackRecord;
}

/** An atas-link note as every notes endpoint returns it (counts and the viewer's like/collect included). */
export type Note = z.infer<typeof NoteSchema>;
export type NoteImage = Note["images"][number];
export interface NotePage {
  notes: Note[];
  nextCursor: string | null;
}

export type CreateInvitation = z.input<typeof CreateInvitationSchema>;
export type InvitationPage = z.infer<typeof InvitationPageSchema>;
export type Invitation = InvitationPage["invitation"];
export type InvitationStatus = Invitation["status"];
export type InvitationAction = InvitationPage["actions"][number];
export type InvitationSlot = InvitationPage["slots"][number];
export type Dashboard = z.infer<typeof DashboardSchema>;
export type DashboardRow = Dashboard["invitations"][number];
export type Bucket = keyof Dashboard["counts"];
export type ThreadMessage = z.infer<typeof MessageSchema>;
export type Review = z.infer<typeof ReviewSchema>;

export interface Notification {
  id: string;
  type: string;
  text: string;
  invitationId: string | null;
  /** A club's officer invitation, with its status now: Accept / Decline show while pending. */
  officerInvitation: { id: string; status: OfficerInvitationStatus } | null;
  /** What `text` says, so the page can say it in the reader's language. */
  facts: { event: string; actor: string; title: string } | null;
  read: boolean;
  createdAt: string;
}

export type OfficerInvitationStatus =
  | "pending"
  | "accepted"
  | "declined"
  | "withdrawn"
  | "left"
  | "removed"
  | "blocked";
export type OfficerAnswer = "accept" | "decline" | "leave";

/** GET /api/me/clubs: the clubs a student serves and the officer invitations waiting for an answer. */
export interface MyClubs {
  serving: ServedClub[];
  pending: ServedClub[];
}
export interface ServedClub {
  invitationId: string;
  clubId: string;
  name: string;
  title: string;
  since: string;
}

/** GET /api/clubs/me/officers: the club's own view of its officers and whom it has asked. */
export interface ClubOfficers {
  officers: {
    invitationId: string;
    userId: string;
    displayName: string;
    title: string;
    status: "pending" | "accepted";
  }[];
}

export interface Notifications {
  unread: number;
  notifications: Notification[];
}

export interface Me {
  account: Account;
  profile: Profile;
  unreadNotifications: number;
  /** Clubs the user is an officer of. */
  clubs: { id: string; name: string }[];
}

export interface Campus {
  id: string;
  name: string;
  country: string;
  timeZone: string;
}

export interface OutboxMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: string;
}

/** An application/problem+json body, as the API's one error renderer writes it. */
export interface Problem {
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  requestId?: string;
  retryAfter?: number;
  code?: string;
  field?: string;
  /** For `proposal-checks`: what stops a proposal from being attached. */
  problems?: { code: string; message: string }[];
  /** POST /api/invitations: the proposed times outside the expert's availability. */
  outside?: string[];
}
