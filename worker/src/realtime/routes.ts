import { requireUser } from "../shared/auth";
import { isSameOrigin } from "../shared/csrf";
import { Forbidden, Unauthorized } from "../shared/errors";
import type { Router } from "../shared/openapi";
import { INBOX_SESSION_CREATED_HEADER, INBOX_SESSION_HEADER, inboxOf } from "./inbox";

/** Opens the signed-in user's live inbox. The Origin is checked here because browsers send no preflight for WebSockets. */
export function mountInbox(app: Router) {
  app.get("/api/inbox", requireUser, async (c) => {
    if (c.req.header("upgrade") !== "websocket") return c.text("expected a websocket upgrade", 426);
    if (!c.req.header("origin") || !isSameOrigin(c.env, c.req.raw)) throw new Forbidden("Foreign origin.");
    const user = c.get("user");
    const session = c.get("session");
    if (!user || !session) throw new Forbidden();
    // Only the headers the inbox needs; the session tags the socket so ending the session closes it.
    const upgraded = await inboxOf(c.env, user.id).fetch(
      new Request("https://inbox/ws", {
        headers: {
          upgrade: "websocket",
          [INBOX_SESSION_HEADER]: session.id,
          [INBOX_SESSION_CREATED_HEADER]: String(session.createdAt),
        },
      }),
    );
    // The session ended between the check above and the inbox (a sign-out racing the upgrade).
    if (upgraded.status === 401) throw new Unauthorized();
    return upgraded;
  });
}
