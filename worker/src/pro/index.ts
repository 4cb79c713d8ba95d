/**
 * atas-pro: the expert directory and invitations (their lifecycle in invitation-machine.ts, the
 * proposal checks, reminders and expiry, warm introductions), and the mail they send.
 */
export { invitationNews } from "./invitation-news";
export { checkProposal, spokenDay, spokenSlot } from "./proposal-text";
export { mountExperts } from "./routes/experts";
export { mountIntroductions } from "./routes/introductions";
export { mountInvitations } from "./routes/invitations";
export { afterScheduleChange } from "./services/after-schedule-change";
export { announceInvitationChange } from "./services/announce-invitation-change";
export {
  expireOverdueInvitations,
  invitationMorning,
  type RunReport,
} from "./services/early-morning-run";
export { editDraft } from "./services/edit-draft";
export { busyIntervals } from "./services/expert-sessions";
export { invitationFor } from "./services/invitation-access";
export { type EventCalendarFields, eventCalendar } from "./services/invitation-ics";
export {
  composeInvitationMail,
  INVITATION_MAIL_KINDS,
  type InvitationMailKind,
} from "./services/invitation-mail";
export { DEFAULT_TIME_ZONE, invitationPeople } from "./services/invitation-people";
export type { SourceNote, SourceNoteLookup } from "./services/source-notes";
export { latestRound } from "./services/transition-invitation";
