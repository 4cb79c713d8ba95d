/**
 * atas-link's public entry: what the app, the jobs, the cron, the network and the dev tools use.
 * Everything else under link/ is the product's own business. Tables are re-exported here for the
 * record; other domains may also read them from the sub-domain's schema.ts.
 */

// Route mounts (app.ts); the upload path carries its own body limit there.
export { mountEngagement } from "./engagement/routes/engagement";
// Tables other domains read (blocks/services/blocks.ts, the dev seed).
export { boardNotes, boards, comments, follows, noteLikes, topicFollows } from "./engagement/schema";
export { composeEventMail, EVENT_MAIL_KINDS, type EventMailKind } from "./events/mails";
export { mountEvents } from "./events/routes/events";
export { eventRsvps, events } from "./events/schema";
export type { Attendee as EventAttendee } from "./events/services/event-attendees";
export type { EventBlock, EventItem } from "./events/services/event-views";
// Events: a scheduled talk published as a note (events/); the invitation-changed job (queues.ts).
export { eventsMorning } from "./events/services/events-morning";
export { runInvitationChanged } from "./events/services/invitation-changed";
export { endEventTies } from "./events/services/rsvp-event";
export { mountDiscover } from "./feeds/routes/discover";
export { mountFeeds } from "./feeds/routes/feeds";
export { mountTopics } from "./feeds/routes/topics";
export { refreshCandidateSets } from "./feeds/services/candidate-sets";
// Queue work and cron steps (wired in queues.ts and schedule.ts).
export { type FanoutReport, fanOutNote, runFanoutJob, withdrawNote } from "./feeds/services/fan-out";
// Follows ending elsewhere (blocks/services/blocks.ts) trim the readers' timelines.
export { forgetAuthors } from "./feeds/services/timelines";
// Dev seeding (dev/seed.ts, dev/seed-link.ts).
export { addToTrending, refreshTrending, TRENDING_WEIGHTS } from "./feeds/services/trending";
export { mountModeration } from "./moderation/routes/moderation";
export { mountNotes, NOTE_IMAGE_UPLOAD_PATH, NoteSchema } from "./notes/routes/notes";
export { noteImages, notes, noteTopics } from "./notes/schema";
export { sweepUnattachedImages } from "./notes/services/note-images";
export { parseTopics } from "./notes/services/notes-text";
// "Ask this expert" (pro's invitation routes, wired in app.ts).
export { noteAsSource } from "./notes/services/source-note";
export { mountSearch } from "./search/routes/search";
