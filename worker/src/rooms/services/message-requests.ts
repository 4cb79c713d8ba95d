import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { users } from "../../identity/schema";
import { pushLive } from "../../notifications";
import { roomOf } from "../../realtime";
import { type ActionContext, me } from "../../shared/context";
import { Conflict, Forbidden, NotFound } from "../../shared/errors";
import { enforce } from "../../shared/rate-limit";
import { messageRequests } from "../schema";
import { createDirectRoom, directVerdict, VERDICT_DETAIL } from "./direct-rooms";

/*
 * Message requests and connection requests (network/services/requests.ts) share one consent shape
 * but not their effect: accepted, this opens a direct room with the first message in it; that one
 * makes a graph edge. See the note there for why they are two models.
 */

type Answer = { id: string; status: "pending" | "accepted" | "declined"; roomId: string | null };

/**
 * Asks to write to someone the rules do not yet allow. Asking someone who already asked you accepts
 * their request. The contact matrix decides who may ask: an expert and a student reach each other
 * only through an invitation, never by request (403).
 */
export async function sendMessageRequest({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { toUserId: string; text: string };
}): Promise<Answer> {
  const actor = me(ctx);
  if (input.toUserId === actor.id) throw new Conflict("You cannot message yourself.", "self");
  const { other, verdict, contact } = await directVerdict(ctx, actor, input.toUserId);
  if (verdict === "allowed") throw new Conflict("You can already write to them.", "already-allowed");
  const refusal = contact.ask("message-request");
  if (refusal) throw new Forbidden(VERDICT_DETAIL[refusal], refusal);
  const reverse = await ctx.db
    .select({ id: messageRequests.id })
    .from(messageRequests)
    .where(
      and(
        eq(messageRequests.fromId, other.id),
        eq(messageRequests.toId, actor.id),
        eq(messageRequests.status, "pending"),
      ),
    )
    .get();
  if (reverse) return answerMessageRequest({ ctx, input: { id: reverse.id, answer: "accept" } });
  await enforce(ctx.env, "messageRequestUser", actor.id);
  const [created] = await ctx.db
    .insert(messageRequests)
    .values({ fromId: actor.id, toId: other.id, text: input.text.trim() })
    .onConflictDoNothing()
    .returning({ id: messageRequests.id });
  if (!created) throw new Conflict("You already asked.", "already-requested");
  pushLive(ctx, [other.id], {
    type: "message-request",
    text: `${actor.displayName} would like to message you.`,
  });
  return { id: created.id, status: "pending", roomId: null };
}

/** The recipient accepts (the direct room opens with the request's text as its first message) or declines. */
export async function answerMessageRequest({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; answer: "accept" | "decline" };
}): Promise<Answer> {
  const actor = me(ctx);
  const request = await ctx.db.select().from(messageRequests).where(eq(messageRequests.id, input.id)).get();
  if (!request || (request.toId !== actor.id && request.fromId !== actor.id))
    throw new NotFound("No such request.");
  if (request.toId !== actor.id) throw new Forbidden("Only the recipient answers.");
  const status = input.answer === "accept" ? "accepted" : "declined";
  const [updated] = await ctx.db
    .update(messageRequests)
    .set({ status, answeredAt: Date.now() })
    .where(and(eq(messageRequests.id, request.id), eq(messageRequests.status, "pending")))
    .returning({ id: messageRequests.id });
  if (!updated) throw new Conflict("The request was already answered.", "already-answered");
  if (status === "declined") return { id: request.id, status, roomId: null };
  const roomId = await createDirectRoom(ctx, request.fromId, request.toId);
  const sender = await ctx.db
    .select({ displayName: users.displayName })
    .from(users)
    .where(eq(users.id, request.fromId))
    .get();
  try {
    // The request's id makes this post idempotent.
    await roomOf(ctx.env, roomId).post({
      id: request.id,
      userId: request.fromId,
      displayName: sender?.displayName ?? "",
      body: request.text,
    });
  } catch (error) {
    // The room is open either way; only its opening line is missing.
    console.warn(`message request ${request.id}: first message not posted: ${String(error)}`);
  }
  return { id: request.id, status, roomId };
}

/** Open message requests to and from the signed-in user, newest first. */
export async function listMessageRequests({ ctx }: { ctx: ActionContext }) {
  const actor = me(ctx);
  const other = alias(users, "other");
  const row = {
    id: messageRequests.id,
    text: messageRequests.text,
    createdAt: messageRequests.createdAt,
    // D1 returns batch rows keyed by column name, so the other person's columns get names of their own.
    userId: sql<string>`${other.id}`.as("other_id"),
    displayName: sql<string>`${other.displayName}`.as("other_name"),
  };
  const [incoming, outgoing] = await ctx.db.batch([
    ctx.db
      .select(row)
      .from(messageRequests)
      .innerJoin(other, eq(other.id, messageRequests.fromId))
      .where(and(eq(messageRequests.toId, actor.id), eq(messageRequests.status, "pending")))
      .orderBy(desc(messageRequests.createdAt))
      .limit(100),
    ctx.db
      .select(row)
      .from(messageRequests)
      .innerJoin(other, eq(other.id, messageRequests.toId))
      .where(and(eq(messageRequests.fromId, actor.id), eq(messageRequests.status, "pending")))
      .orderBy(desc(messageRequests.createdAt))
      .limit(100),
  ]);
  const view = (r: (typeof incoming)[number]) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() });
  return { incoming: incoming.map(view), outgoing: outgoing.map(view) };
}
