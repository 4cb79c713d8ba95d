import { and, desc, eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { type ROLES, users } from "../../identity/schema";
import { type ActionContext, me } from "../../shared/context";
import { Conflict, Forbidden, NotFound } from "../../shared/errors";
import { enforce } from "../../shared/rate-limit";
import { connectionRequests, connections } from "../schema";
import { contactBetween, type Refusal } from "./contact-matrix";
import { connect, disconnect } from "./edges";

/*
 * Connection requests and message requests (rooms/services/message-requests.ts) share one consent
 * shape: an ask waits for a yes, a reverse ask is that yes, the other side may decline or the asker
 * withdraw. They stay two models because their yes does different things: this one makes a graph
 * edge (second-degree reach, introductions, "people you may know"), that one opens a direct room
 * and carries the first message itself. The contact matrix rules on each separately
 * ("connection-request" vs "message-request"), each with its own rate limit.
 */

const CONNECTION_REFUSAL: Record<Refusal, string> = {
  "needs-request": "Send a message request first.",
  "needs-invitation":
    "An expert's note to a student goes inside an invitation; send the request without one.",
  "unverified-expert": "Experts ask students to connect once they are verified.",
};

/**
 * Asks someone to connect. Asking someone who already asked you accepts their request (what both
 * want). An existing connection or an open request is a 409; an unknown or blocked person 404. The
 * contact matrix decides who may ask and whether the request may carry a note: an expert's note to a
 * student only inside their invitation window; an unverified expert does not ask students at all.
 */
export async function requestConnection({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { toUserId: string; message?: string | undefined };
}): Promise<{ id: string; status: "pending" | "accepted" }> {
  const actor = me(ctx);
  if (input.toUserId === actor.id) throw new Conflict("You cannot connect with yourself.", "self");
  // A block looks the same as a missing person to the one blocked.
  const contact = await contactBetween(ctx, actor, input.toUserId);
  if (!contact) throw new NotFound("No such person.");

  const existing = await ctx.db
    .select({ userId: connections.userId })
    .from(connections)
    .where(and(eq(connections.userId, actor.id), eq(connections.peerId, input.toUserId)))
    .get();
  if (existing) throw new Conflict("You are already connected.", "already-connected");
  const reverse = await ctx.db
    .select()
    .from(connectionRequests)
    .where(
      and(
        eq(connectionRequests.fromId, input.toUserId),
        eq(connectionRequests.toId, actor.id),
        eq(connectionRequests.status, "pending"),
      ),
    )
    .get();
  if (reverse) {
    await answerRequest({ ctx, input: { id: reverse.id, answer: "accept" } });
    return { id: reverse.id, status: "accepted" };
  }
  // Answering their own request above was their yes; a new request is contact the matrix rules on.
  const message = input.message?.trim() || null;
  const refusal = contact.ask("connection-request") ?? (message ? contact.ask("connection-note") : null);
  if (refusal) throw new Forbidden(CONNECTION_REFUSAL[refusal], refusal);
  // Only a new request counts: accepting theirs above, or a refused one, spends nothing.
  await enforce(ctx.env, "connectionRequestUser", actor.id);
  const [created] = await ctx.db
    .insert(connectionRequests)
    .values({ fromId: actor.id, toId: input.toUserId, message })
    .onConflictDoNothing()
    .returning({ id: connectionRequests.id });
  if (!created) throw new Conflict("You already asked.", "already-requested");
  return { id: created.id, status: "pending" };
}

/** The recipient accepts (the connection is written) or declines; the sender may withdraw. */
export async function answerRequest({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; answer: "accept" | "decline" | "withdraw" };
}): Promise<void> {
  const actor = me(ctx);
  const request = await ctx.db
    .select()
    .from(connectionRequests)
    .where(eq(connectionRequests.id, input.id))
    .get();
  if (!request || (request.toId !== actor.id && request.fromId !== actor.id))
    throw new NotFound("No such request.");
  const mine = input.answer === "withdraw" ? request.fromId : request.toId;
  if (mine !== actor.id)
    throw new Forbidden(
      input.answer === "withdraw" ? "Only the sender withdraws." : "Only the recipient answers.",
    );
  const status =
    input.answer === "accept" ? "accepted" : input.answer === "decline" ? "declined" : "withdrawn";
  const [updated] = await ctx.db
    .update(connectionRequests)
    .set({ status, answeredAt: Date.now() })
    .where(and(eq(connectionRequests.id, request.id), eq(connectionRequests.status, "pending")))
    .returning({ id: connectionRequests.id });
  if (!updated) throw new Conflict("The request was already answered.", "already-answered");
  if (status === "accepted") await connect(ctx, request.fromId, request.toId, "connection");
}

export async function removeConnection({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const actor = me(ctx);
  if (!(await disconnect(ctx, actor.id, input.userId))) throw new NotFound("You are not connected.");
}

/** Open requests to and from the signed-in user, newest first, with the other person's name. */
export async function listRequests({ ctx }: { ctx: ActionContext }) {
  const actor = me(ctx);
  const other = alias(users, "other");
  const row = {
    id: connectionRequests.id,
    message: connectionRequests.message,
    createdAt: connectionRequests.createdAt,
    // D1 returns batch rows keyed by column name, so the other person's columns get names of their own.
    userId: sql<string>`${other.id}`.as("other_id"),
    displayName: sql<string>`${other.displayName}`.as("other_name"),
    role: sql<(typeof ROLES)[number]>`${other.role}`.as("other_role"),
  };
  const [incoming, outgoing] = await ctx.db.batch([
    ctx.db
      .select(row)
      .from(connectionRequests)
      .innerJoin(other, eq(other.id, connectionRequests.fromId))
      .where(and(eq(connectionRequests.toId, actor.id), eq(connectionRequests.status, "pending")))
      .orderBy(desc(connectionRequests.createdAt))
      .limit(100),
    ctx.db
      .select(row)
      .from(connectionRequests)
      .innerJoin(other, eq(other.id, connectionRequests.toId))
      .where(and(eq(connectionRequests.fromId, actor.id), eq(connectionRequests.status, "pending")))
      .orderBy(desc(connectionRequests.createdAt))
      .limit(100),
  ]);
  const view = (r: (typeof incoming)[number]) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() });
  return { incoming: incoming.map(view), outgoing: outgoing.map(view) };
}

/** The signed-in user's connections, with where each came from. */
export async function listConnections({ ctx }: { ctx: ActionContext }) {
  const actor = me(ctx);
  const rows = await ctx.db
    .select({
      userId: users.id,
      displayName: users.displayName,
      role: users.role,
      source: connections.source,
    })
    .from(connections)
    .innerJoin(users, eq(users.id, connections.peerId))
    .where(eq(connections.userId, actor.id))
    .orderBy(users.displayName)
    .limit(1000);
  return rows;
}
