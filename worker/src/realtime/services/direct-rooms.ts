import { and, eq, inArray, or } from "drizzle-orm";
import { connections } from "../../graph/schema";
import { type User, users } from "../../identity/schema";
import { isBlockedEitherWay } from "../../network/services/edges";
import { invitations } from "../../pro/schema";
import { type ActionContext, me } from "../../shared/context";
import { Conflict, Forbidden, NotFound, Unauthorized } from "../../shared/errors";
import { directRoomId } from "../room-protocol";
import { messageRequests, roomMembers, rooms } from "../schema";

/** Invitations in these states let an expert and the other side write to each other. */
const OPEN_INVITATION_STATES = ["accepted", "scheduled", "completed"] as const;

export type DirectVerdict = "allowed" | "needs-request" | "needs-invitation";

/**
 * May `actor` write to `otherId` directly? An expert and anyone else: only inside an invitation
 * between them that was accepted, scheduled or completed. Everyone else: when connected (until
 * follows exist, a connection stands for following each other) or once a message request was
 * accepted. A blocked pair, or an unknown person, is a 404.
 */
export async function directVerdict(
  ctx: ActionContext,
  actor: User,
  otherId: string,
): Promise<{ other: Pick<User, "id" | "displayName" | "role">; verdict: DirectVerdict }> {
  const other = await ctx.db
    .select({ id: users.id, displayName: users.displayName, role: users.role })
    .from(users)
    .where(eq(users.id, otherId))
    .get();
  if (!other || (await isBlockedEitherWay(ctx, actor.id, otherId))) throw new NotFound("No such person.");
  const actorIsExpert = actor.role === "expert";
  if (actorIsExpert !== (other.role === "expert")) {
    const [expertId, sideId] = actorIsExpert ? [actor.id, other.id] : [other.id, actor.id];
    const invitation = await ctx.db
      .select({ id: invitations.id })
      .from(invitations)
      .where(
        and(
          eq(invitations.expertId, expertId),
          or(eq(invitations.requesterId, sideId), eq(invitations.createdBy, sideId)),
          inArray(invitations.status, OPEN_INVITATION_STATES),
        ),
      )
      .limit(1)
      .get();
    return { other, verdict: invitation ? "allowed" : "needs-invitation" };
  }
  const [connected, accepted] = await ctx.db.batch([
    ctx.db
      .select({ peerId: connections.peerId })
      .from(connections)
      .where(and(eq(connections.userId, actor.id), eq(connections.peerId, other.id)))
      .limit(1),
    ctx.db
      .select({ id: messageRequests.id })
      .from(messageRequests)
      .where(
        and(
          eq(messageRequests.status, "accepted"),
          or(
            and(eq(messageRequests.fromId, actor.id), eq(messageRequests.toId, other.id)),
            and(eq(messageRequests.fromId, other.id), eq(messageRequests.toId, actor.id)),
          ),
        ),
      )
      .limit(1),
  ]);
  return { other, verdict: connected.length > 0 || accepted.length > 0 ? "allowed" : "needs-request" };
}

export const VERDICT_DETAIL: Record<Exclude<DirectVerdict, "allowed">, string> = {
  "needs-request": "Send a message request first: they accept it, then you can write.",
  "needs-invitation": "Experts and students write to each other inside an accepted invitation.",
};

/** Writes the direct room and both memberships; running it twice changes nothing. */
export async function createDirectRoom(ctx: ActionContext, a: string, b: string): Promise<string> {
  const id = directRoomId(a, b);
  await ctx.db.batch([
    ctx.db.insert(rooms).values({ id, kind: "dm", title: "" }).onConflictDoNothing(),
    ctx.db.insert(roomMembers).values({ roomId: id, userId: a }).onConflictDoNothing(),
    ctx.db.insert(roomMembers).values({ roomId: id, userId: b }).onConflictDoNothing(),
  ]);
  return id;
}

/** The direct room with `userId`: an existing one, or a new one when the rules allow it (403 with a code if not). */
export async function openDirectRoom({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { userId: string };
}): Promise<{ id: string }> {
  const actor = me(ctx);
  if (input.userId === actor.id) throw new Conflict("A direct room needs someone else.", "self");
  const id = directRoomId(actor.id, input.userId);
  const existing = await ctx.db
    .select({ roomId: roomMembers.roomId })
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, id), eq(roomMembers.userId, actor.id)))
    .get();
  if (existing) {
    if (await isBlockedEitherWay(ctx, actor.id, input.userId)) throw new NotFound("No such person.");
    return { id };
  }
  const { verdict } = await directVerdict(ctx, actor, input.userId);
  if (verdict !== "allowed") throw new Forbidden(VERDICT_DETAIL[verdict], verdict);
  return { id: await createDirectRoom(ctx, actor.id, input.userId) };
}
