import { and, eq } from "drizzle-orm";
import { roomOf } from "../../realtime";
import type { ActionContext } from "../../shared/context";
import { Forbidden, NotFound } from "../../shared/errors";
import { roomMembers } from "../schema";
import { moderates } from "./room-access";

/**
 * A moderator (or an admin) mutes a member for `minutes` (0 lifts the mute). D1 keeps it, and the
 * room object hears at once, so the member's next message is refused without waiting for a rejoin.
 */
export async function muteMember({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { roomId: string; userId: string; minutes: number };
}): Promise<{ mutedUntil: number | null }> {
  if (!(await moderates(ctx, input.roomId))) throw new Forbidden("Only the room's moderators mute.");
  const mutedUntil = input.minutes > 0 ? Date.now() + input.minutes * 60_000 : null;
  const [updated] = await ctx.db
    .update(roomMembers)
    .set({ mutedUntil })
    .where(and(eq(roomMembers.roomId, input.roomId), eq(roomMembers.userId, input.userId)))
    .returning({ userId: roomMembers.userId });
  if (!updated) throw new NotFound("They are not in this room.");
  await roomOf(ctx.env, input.roomId).mute(input.userId, mutedUntil);
  return { mutedUntil };
}
