import { asc, eq } from "drizzle-orm";
import { users } from "../../identity/schema";
import { inboxOf } from "../../realtime/routes";
import type { ActionContext } from "../../shared/context";
import { notificationText } from "../invitation-news";
import { invitationMessages, notifications } from "../schema";
import { invitationFor } from "./invitation-access";
import { sideMembers } from "./notify-invitation";

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
  const now = Date.now();
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
  ctx.waitUntil(
    Promise.allSettled(
      recipients.map((userId) =>
        inboxOf(ctx.env, userId).notify({ type: `invitation:${invitation.id}`, text }),
      ),
    ),
  );
  return {
    id,
    body: input.body.trim(),
    createdAt: new Date(now).toISOString(),
    authorId: actor.id,
    authorName: actor.displayName,
  };
}
