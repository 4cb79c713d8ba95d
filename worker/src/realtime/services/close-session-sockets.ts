import type { Env } from "../../env";
import { inboxOf } from "../inbox";
import type { EndedSessions } from "../session-sockets";

/**
 * Closes the live sockets of ended sessions: the user's inbox knows which rooms each session
 * opened sockets in and closes those too. Called after the sessions were deleted in D1, so a
 * socket that reconnects is refused.
 */
export async function closeSessionSockets(env: Env, userId: string, ended: EndedSessions): Promise<void> {
  await inboxOf(env, userId).endSessions(ended);
}
