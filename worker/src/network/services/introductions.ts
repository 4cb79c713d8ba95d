import { and, desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { connections } from "../../graph/schema";
import { users } from "../../identity/schema";
import { tell } from "../../link";
import { invitations } from "../../pro/schema";
import { invitationFor } from "../../pro/services/invitation-access";
import type { ActionContext } from "../../shared/context";
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from "../../shared/errors";
import { introductions } from "../schema";

async function connected(ctx: ActionContext, a: string, b: string): Promise<boolean> {
  const row = await ctx.db
    .select({ a: connections.userId })
    .from(connections)
    .where(and(eq(connections.userId, a), eq(connections.peerId, b)))
    .get();
  return row !== undefined;
}

/**
 * The requester's side of an invitation asks a mutual connection (connected to both the requester
 * and the expert) to introduce them. The connector is told at once.
 */
export async function askIntroduction({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { invitationId: string; connectorId: string; message?: string | undefined };
}) {
  const { invitation, party, actor } = await invitationFor(ctx, input.invitationId);
  if (party !== "requester") throw new Forbidden("Only the requester's side asks for an introduction.");
  if (!["draft", "sent", "countered"].includes(invitation.status))
    throw new Conflict("The invitation is already answered.", "invitation-closed");
  if (invitation.introducedBy)
    throw new Conflict("The invitation is already introduced.", "already-introduced");
  const [toRequester, toExpert] = await Promise.all([
    connected(ctx, invitation.requesterId, input.connectorId),
    connected(ctx, input.connectorId, invitation.expertId),
  ]);
  if (!toRequester || !toExpert)
    throw new BadRequest("Only a mutual connection of you and the expert can introduce you.", {
      field: "connectorId",
      code: "not-a-mutual",
    });
  const [created] = await ctx.db
    .insert(introductions)
    .values({
      invitationId: invitation.id,
      requesterId: invitation.requesterId,
      connectorId: input.connectorId,
      expertId: invitation.expertId,
      message: input.message?.trim() || null,
    })
    .onConflictDoNothing()
    .returning();
  if (!created) throw new Conflict("You already asked them.", "already-asked");
  await tell(
    ctx,
    input.connectorId,
    "introduction.requested",
    `${actor.displayName} asks you to introduce them for "${invitation.title}".`,
    null,
  );
  return { id: created.id, status: created.status };
}

/**
 * The connector endorses (one click, an optional note to the expert) or declines. Endorsed, the
 * invitation carries "introduced by"; if it was already sent, the expert is told now.
 */
export async function answerIntroduction({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; answer: "endorse" | "decline"; note?: string | undefined };
}) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const intro = await ctx.db.select().from(introductions).where(eq(introductions.id, input.id)).get();
  if (!intro || intro.connectorId !== actor.id) throw new NotFound("No such introduction.");
  const status = input.answer === "endorse" ? "endorsed" : "declined";
  const note = input.note?.trim() || null;
  const [answered] = await ctx.db
    .update(introductions)
    .set({ status, note, answeredAt: Date.now() })
    .where(and(eq(introductions.id, intro.id), eq(introductions.status, "pending")))
    .returning();
  if (!answered) throw new Conflict("The introduction was already answered.", "already-answered");
  const invitation = await ctx.db
    .select()
    .from(invitations)
    .where(eq(invitations.id, intro.invitationId))
    .get();
  if (!invitation) return { status };
  if (status === "endorsed") {
    await ctx.db
      .update(invitations)
      .set({ introducedBy: actor.id, introductionNote: note })
      .where(eq(invitations.id, invitation.id));
    if (invitation.sentAt !== null)
      await tell(
        ctx,
        invitation.expertId,
        "introduction.endorsed",
        `${actor.displayName} introduced "${invitation.title}" to you.`,
        invitation.id,
      );
  }
  await tell(
    ctx,
    intro.requesterId,
    `introduction.${status}`,
    status === "endorsed"
      ? `${actor.displayName} introduced you for "${invitation.title}".`
      : `${actor.displayName} declined to introduce you for "${invitation.title}".`,
    invitation.id,
  );
  return { status };
}

/** Introductions asked of the signed-in user (to answer) and by them (to follow). */
export async function listIntroductions({ ctx }: { ctx: ActionContext }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const requester = alias(users, "requester");
  const connector = alias(users, "connector");
  const expert = alias(users, "expert");
  const columns = {
    id: introductions.id,
    invitationId: introductions.invitationId,
    title: invitations.title,
    status: introductions.status,
    message: introductions.message,
    note: introductions.note,
    createdAt: introductions.createdAt,
    requesterName: requester.displayName,
    connectorName: connector.displayName,
    expertName: expert.displayName,
  };
  const base = () =>
    ctx.db
      .select(columns)
      .from(introductions)
      .innerJoin(invitations, eq(invitations.id, introductions.invitationId))
      .innerJoin(requester, eq(requester.id, introductions.requesterId))
      .innerJoin(connector, eq(connector.id, introductions.connectorId))
      .innerJoin(expert, eq(expert.id, introductions.expertId));
  // Separate queries, not one batch: the three people's names share a column name.
  const [asked, mine] = await Promise.all([
    base().where(eq(introductions.connectorId, actor.id)).orderBy(desc(introductions.createdAt)).limit(50),
    base().where(eq(introductions.requesterId, actor.id)).orderBy(desc(introductions.createdAt)).limit(50),
  ]);
  const view = (r: (typeof asked)[number]) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() });
  return { toAnswer: asked.map(view), asked: mine.map(view) };
}
