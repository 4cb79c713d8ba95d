import { and, eq } from "drizzle-orm";
import { users } from "../../identity/schema";
import { isBlockedEitherWay } from "../../network";
import type { ActionContext } from "../../shared/context";
import { BadRequest, NotFound, Unauthorized } from "../../shared/errors";
import { busyIntervals } from "./expert-sessions";

const DAY = 86_400_000;
export const BUSY_RANGE_DAYS = 92;

/**
 * An expert's busy times in [from, to), for the invite form to block overlapping slots: start and
 * end only, never whose session it is or what it is about. Any signed-in user may ask, as they may
 * see the expert's weekly availability.
 */
export async function expertBusy({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; from?: string; to?: string };
}) {
  if (!ctx.actor) throw new Unauthorized();
  const from = input.from ? Date.parse(input.from) : Date.now();
  const to = input.to ? Date.parse(input.to) : from + 31 * DAY;
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from)
    throw new BadRequest("`from` must be before `to`.", { field: "to" });
  if (to - from > BUSY_RANGE_DAYS * DAY)
    throw new BadRequest(`Ask for at most ${BUSY_RANGE_DAYS} days at a time.`, { field: "to" });
  const expert = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, input.id), eq(users.role, "expert")))
    .get();
  // Someone the expert blocked (or who blocked them) learns nothing of their diary.
  if (!expert || (await isBlockedEitherWay(ctx, ctx.actor.id, expert.id)))
    throw new NotFound("No such expert.");
  const busy = await busyIntervals(ctx, expert.id, from, to);
  return {
    busy: busy.map((b) => ({ start: new Date(b.start).toISOString(), end: new Date(b.end).toISOString() })),
  };
}
