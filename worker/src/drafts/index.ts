/** AI-drafted proposals for invitations: requested, written by the drafter through the ai queue, attached by the student. */
export { mountDrafts } from "./routes/drafts";
export { failDraft, runDraftJob } from "./services/run-draft-job";
