import { asc, eq } from "drizzle-orm";
import { users } from "../../identity/schema";
import { holdsWindow, isBlockedEitherWay } from "../../network";
import { pushLive } from "../../notifications";
import { notifications } from "../../notifications/schema";
import type { ActionContext } from "../../shared/context";
import { Conflict, NotFound } from "../../shared/errors";
import { enforce } from "../../shared/rate-limit";
import { notificationText } from "../invitation-news";
import { invitationMessages } from "../schema";
import { invitationFor } from "./invitation-access";
import { sideMembers } from "./notify-invitation";

/** Still being asked or answered: both sides write to settle the details. */
const NEGOTIATING: ReadonlySet<string> = new Set(["sent", "countered"]);

/** The thread is the only channel between the two sides: there is no messaging outside an invitation. */
export async function listThread({ ctx, input }: { ctx: ActionContext; input: { id: string } }) {
  const { invitation } = await invitationFor(ctx, input.id);
  const rows = await ctx.db
    .select({
      id: invitationMessages.id,
      body: invitationMessages.body,
      createdAt: invitationMessages.createdAt,
      authorId: users.id,
      authorName: users.displayName,
    })
    .from(invitationMessages)
    .innerJoin(users, eq(users.id, invitationMessages.authorId))
    .where(eq(invitationMessages.invitationId, invitation.id))
    .orderBy(asc(invitationMessages.createdAt))
    .all();
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() }));
}

export async function postToThread({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; body: string };
}) {
  const { invitation, party, actor } = await invitationFor(ctx, input.id);
  // A block either way closes the thread like every other channel: the same 404 as a stranger gets.
  const pairs: [string, string][] = [[invitation.expertId, invitation.requesterId]];
  if (actor.id !== invitation.expertId && actor.id !== invitation.requesterId)
    pairs.push([invitation.expertId, actor.id]);
  for (const [a, b] of pairs)
    if (await isBlockedEitherWay(ctx, a, b)) throw new NotFound("No such invitation.");
  const now = Date.now();
  // Writing needs a live invitation: being asked, or the contact window the matrix keeps.
  if (!NEGOTIATING.has(invitation.status) && !holdsWindow(invitation, now))
    throw new Conflict("This invitation has ended; its thread is read-only.", "thread-closed");
  await enforce(ctx.env, "threadMessageUser", actor.id);
  const id = crypto.randomUUID();
  const recipients = (await sideMembers(ctx, invitation, party === "expert" ? "requester" : "expert")).filter(
    (u) => u !== actor.id,
  );
  const facts = { event: "message" as const, actor: actor.displayName, title: invitation.title };
  const text = notificationText(facts);
  await ctx.db.batch([
    ctx.db.insert(invitationMessages).values({
      id,
      invitationId: invitation.id,
      authorId: actor.id,
      body: input.body.trim(),
      createdAt: now,
    }),
    ...recipients.map((userId) =>
      ctx.db.insert(notifications).values({
        userId,
        type: "invitation-message",
        text,
        data: facts,
        invitationId: invitation.id,
        createdAt: now,
      }),
    ),
  ]);
  pushLive(ctx, recipients, { type: `invitation:${invitation.id}`, text });
  return {
    id,
    body: input.body.trim(),
    createdAt: new Date(now).toISOString(),
    authorId: actor.id,
    authorName: actor.displayName,
  };
}
