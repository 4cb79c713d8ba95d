import { and, eq } from "drizzle-orm";
import type { User } from "../../identity/schema";
import {
  type Contact,
  contactBetween,
  invitationWindow,
  isBlockedEitherWay,
  REFUSAL_DETAIL,
  type Refusal,
} from "../../network";
import { directRoomId, roomOf } from "../../realtime";
import { type ActionContext, me } from "../../shared/context";
import { Conflict, Forbidden, NotFound } from "../../shared/errors";
import { roomMembers, rooms } from "../schema";

export type DirectVerdict = "allowed" | Refusal;

/**
 * May `actor` write to `otherId` directly? The contact matrix decides (network/services/contact-matrix.ts):
 * peers once connected or a message request was accepted; an expert and a student only while an
 * invitation between them holds the contact window open. A blocked pair, or an unknown person, is a 404.
 */
export async function directVerdict(
  ctx: ActionContext,
  actor: User,
  otherId: string,
): Promise<{ other: Pick<User, "id" | "displayName" | "role">; verdict: DirectVerdict; contact: Contact }> {
  const contact = await contactBetween(ctx, actor, otherId);
  if (!contact) throw new NotFound("No such person.");
  return { other: contact.other, verdict: contact.ask("direct") ?? "allowed", contact };
}

export const VERDICT_DETAIL = REFUSAL_DETAIL;

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

/**
 * After an invitation between an expert and the requesting side changed state: each of their
 * direct rooms that exists learns its writing window now, and its open sockets are told when it
 * becomes read-only (a cancel or decline) or writable again (a new acceptance).
 */
export async function syncInvitationRooms(
  ctx: ActionContext,
  invitation: { expertId: string; requesterId: string; createdBy: string },
): Promise<void> {
  const now = Date.now();
  for (const sideId of new Set([invitation.requesterId, invitation.createdBy])) {
    const id = directRoomId(invitation.expertId, sideId);
    const room = await ctx.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, id)).get();
    if (!room) continue;
    const window = await invitationWindow(ctx, invitation.expertId, sideId, now);
    const until = window === null ? now : window.until;
    try {
      await roomOf(ctx.env, id).restrict(until);
    } catch (error) {
      // The room's next join carries the window anyway; only the live notice is late.
      // A direct room's id holds both user ids, which logs never carry.
      console.warn(`direct room window not pushed: ${String(error)}`);
    }
  }
}
