/**
 * Every socket (inbox and room) is tagged with the session that opened it, so that ending a session
 * (sign-out, a password change, a reset) closes its sockets at once instead of leaving them live.
 */
export const SESSION_TAG_PREFIX = "session:";
export const sessionTag = (sessionId: string) => `${SESSION_TAG_PREFIX}${sessionId}`;

/** Close code for a socket whose session ended; the page reconnects and is refused, or signs in. */
export const SESSION_ENDED = 4401;

/**
 * Which sessions ended: these ones (sign-out), or every session created up to `before` (when they
 * were deleted) but the one acting (password change) or none kept (reset, sign-out everywhere).
 */
export type EndedSessions = { only: string[] } | { allBut: string | null; before: number };
