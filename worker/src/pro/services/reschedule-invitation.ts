import { and, asc, eq, type SQL } from "drizzle-orm";
import { syncInvitationRooms } from "../../rooms";
import type { ActionContext } from "../../shared/context";
import { BadRequest, Conflict } from "../../shared/errors";
import { enforce } from "../../shared/rate-limit";
import { notificationText, SCHEDULE_NEWS } from "../invitation-news";
import { type RescheduleAction, rescheduleStep } from "../reschedule-machine";
import { type Invitation, invitationReschedules, rescheduleSlots } from "../schema";
import { afterScheduleChange } from "./after-schedule-change";
import {
  noOverlap,
  refuseBusyStarts,
  refuseFarStarts,
  refuseOverlap,
  type Session,
  sessionAt,
} from "./expert-sessions";
import { invitationFor, refuseAcrossBlock } from "./invitation-access";
import { commitTransition } from "./invitation-writes";
import { deliverInvitationNews, sideMembers } from "./notify-invitation";

export interface RescheduleInput {
  id: string;
  action: Exclude<RescheduleAction, "close">;
  /** propose, counter: one to three future times. */
  slots?: string[];
  /** accept: one of the open proposal's times. */
  slotId?: string;
  message?: string;
}

/** The open proposal to move `invitationId`'s session, with its times, if there is one. */
export async function openReschedule(ctx: Pick<ActionContext, "db">, invitationId: string) {
  const open = await ctx.db
    .select()
    .from(invitationReschedules)
    .where(
      and(eq(invitationReschedules.invitationId, invitationId), eq(invitationReschedules.status, "open")),
    )
    .get();
  if (!open) return null;
  const slots = await ctx.db
    .select({ id: rescheduleSlots.id, startsAt: rescheduleSlots.startsAt })
    .from(rescheduleSlots)
    .where(eq(rescheduleSlots.rescheduleId, open.id))
    .orderBy(asc(rescheduleSlots.startsAt))
    .all();
  return { ...open, slots };
}

/** Closes the open proposal, if any, in the batch of a transition that takes the session off the schedule. */
export function closeOpenReschedule(
  ctx: Pick<ActionContext, "db">,
  invitationId: string,
  now: number,
  won: SQL,
) {
  return ctx.db
    .update(invitationReschedules)
    .set({ status: "closed", answeredAt: now })
    .where(
      and(
        eq(invitationReschedules.invitationId, invitationId),
        eq(invitationReschedules.status, "open"),
        won,
      ),
    );
}

/**
 * Moves a scheduled session by agreement (reschedule-machine.ts): propose new times, counter them,
 * accept one (the session moves: version and calendar SEQUENCE rise), decline (the old time
 * stands) or withdraw. Each step is one version-guarded batch with its history and the other
 * side's notifications, so of two concurrent steps one applies and the other gets 409.
 */
export async function rescheduleInvitation({ ctx, input }: { ctx: ActionContext; input: RescheduleInput }) {
  const { invitation, party, actor } = await invitationFor(ctx, input.id);
  // Withdrawing one's own proposal only takes words back; everything else needs the two sides on speaking terms.
  if (input.action !== "withdraw") await refuseAcrossBlock(ctx, invitation, actor);
  if (invitation.status !== "scheduled" || invitation.scheduledStart === null)
    throw new Conflict("Only a scheduled session can be moved.", "cannot-move");
  const open = await openReschedule(ctx, invitation.id);
  const role = input.action === "propose" || open?.proposedBy === party ? "proposer" : "answerer";
  const result = rescheduleStep(open ? "open" : "none", input.action, role, open?.round ?? 0);
  if (!result.ok) throw new Conflict(result.reason, result.code);
  const now = Date.now();

  const changes: Partial<Invitation> = {};
  const rows: {
    table: typeof invitationReschedules | typeof rescheduleSlots;
    row: Record<string, unknown>;
  }[] = [];
  let session: Session | null = null;
  if (result.opens) {
    const starts = proposedTimes(input.slots, invitation, now);
    await refuseBusyStarts(
      ctx,
      {
        expertId: invitation.expertId,
        starts,
        durationMinutes: invitation.durationMinutes,
        invitationId: invitation.id,
      },
      "any",
    );
    // A proposal (or counter) mails the other side: propose-withdraw loops share the meeting link's budget.
    await enforce(ctx.env, "sessionChangeUser", actor.id);
    const rescheduleId = crypto.randomUUID();
    rows.push({
      table: invitationReschedules,
      row: {
        id: rescheduleId,
        invitationId: invitation.id,
        proposedBy: party,
        actorId: actor.id,
        round: (open?.round ?? 0) + 1,
        status: "open",
        message: input.message?.trim() || null,
        createdAt: now,
        answeredAt: null,
      },
    });
    for (const startsAt of starts)
      rows.push({ table: rescheduleSlots, row: { id: crypto.randomUUID(), rescheduleId, startsAt } });
  }
  if (input.action === "accept") {
    const slot = open?.slots.find((s) => s.id === input.slotId);
    if (!slot) throw new BadRequest("Choose one of the proposed times.", { field: "slotId" });
    if (slot.startsAt <= now) throw new Conflict("That time has already passed.", "slot-passed");
    session = sessionAt(invitation, slot.startsAt);
    await refuseOverlap(ctx, invitation, session, party);
    changes.scheduledStart = slot.startsAt;
  }

  const recipients = (await sideMembers(ctx, invitation, party === "expert" ? "requester" : "expert")).filter(
    (id) => id !== actor.id,
  );
  const news = SCHEDULE_NEWS[`reschedule-${input.action}`] ?? "reschedule-proposed";
  const facts = { event: news, actor: actor.displayName, title: invitation.title };
  const event = {
    id: crypto.randomUUID(),
    actorId: actor.id,
    action: `reschedule-${input.action}`,
    fromStatus: invitation.status,
    toStatus: invitation.status,
    message: input.message?.trim() || null,
  };
  const applied = await commitTransition(ctx, {
    invitation,
    to: "scheduled",
    changes,
    events: [event],
    recipients,
    facts,
    now,
    ...(session ? { guard: noOverlap(invitation, session) } : {}),
    // The answered proposal closes before a counter's own opens (one open proposal at a time).
    ...(open && input.action !== "propose"
      ? {
          also: (won: SQL) => [
            ctx.db
              .update(invitationReschedules)
              .set({ status: result.to, answeredAt: now })
              .where(
                and(eq(invitationReschedules.id, open.id), eq(invitationReschedules.status, "open"), won),
              ),
          ],
        }
      : {}),
    rows,
  });
  if (!applied) {
    if (session) await refuseOverlap(ctx, invitation, session, party);
    throw new Conflict("The invitation changed while you were acting; reload and try again.", "stale");
  }
  const delivery = { recipients, text: notificationText(facts), invitationId: invitation.id };
  if (input.action === "accept") {
    const moved = { ...invitation, ...changes, version: invitation.version + 1, updatedAt: now };
    // The expert–student room stays writable until the session's new end.
    await syncInvitationRooms(ctx, moved);
    await afterScheduleChange(ctx, moved, event.id, delivery);
  } else {
    await deliverInvitationNews(ctx, { ...delivery, eventId: event.id });
  }
  return {
    status: "scheduled" as const,
    reschedule: result.opens ? ("open" as const) : result.to,
    scheduledStart: new Date(changes.scheduledStart ?? invitation.scheduledStart).toISOString(),
  };
}

function proposedTimes(slots: string[] | undefined, invitation: Invitation, now: number): number[] {
  const starts = (slots ?? []).map((s) => Date.parse(s));
  if (starts.length < 1 || starts.length > 3 || starts.some((s) => Number.isNaN(s) || s <= now))
    throw new BadRequest("Propose one to three future times.", { field: "slots" });
  if (new Set(starts).size !== starts.length)
    throw new BadRequest("The proposed times must differ.", { field: "slots" });
  if (starts.includes(invitation.scheduledStart ?? Number.NaN))
    throw new BadRequest("The session is already at that time.", { field: "slots" });
  refuseFarStarts(starts, now);
  return starts;
}
