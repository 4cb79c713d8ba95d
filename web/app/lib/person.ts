/** The intents a page posts to block, unblock, mute or unmute someone (see PersonControls). */
export const PERSON_INTENTS = ["block", "unblock", "mute", "unmute"] as const;
export type PersonIntent = (typeof PERSON_INTENTS)[number];

export function isPersonIntent(intent: unknown): intent is PersonIntent {
  return typeof intent === "string" && (PERSON_INTENTS as readonly string[]).includes(intent);
}

/** What a route's action answers to a person intent: the reader's new block and mute state. */
export interface PersonState {
  userId: string;
  blocked: boolean;
  muted: boolean;
}
