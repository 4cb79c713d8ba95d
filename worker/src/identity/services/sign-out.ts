import { closeSessionSockets } from "../../realtime";
import type { ActionContext } from "../../shared/context";
import type { Session } from "../schema";
import { endOtherSessionsQuery, endSession } from "./sessions";

/** Ends this session, or every session of the account, and closes their live sockets at once. */
export async function signOut({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { session: Session | null; everywhere: boolean };
}) {
  const { session } = input;
  if (!session) return;
  if (input.everywhere) {
    const before = Date.now();
    await endOtherSessionsQuery(ctx.db, session.userId);
    await closeSessionSockets(ctx.env, session.userId, { allBut: null, before });
  } else {
    await endSession(ctx.db, session.id);
    await closeSessionSockets(ctx.env, session.userId, { only: [session.id] });
  }
}
