import { and, desc, eq, type SQL } from "drizzle-orm";
import { users } from "../../identity/schema";
import { connect } from "../../network";
import { expertProfiles } from "../../profiles/schema";
import { syncInvitationRooms } from "../../rooms";
import type { ActionContext } from "../../shared/context";
import { BadRequest, Conflict } from "../../shared/errors";
import { type InvitationAction, step } from "../invitation-machine";
import { notificationText } from "../invitation-news";
import { type Invitation, type InvitationState, invitationSlots } from "../schema";
import { afterScheduleChange } from "./after-schedule-change";
import {
  noOverlap,
  refuseBusyStarts,
  refuseFarStarts,
  refuseOverlap,
  type Session,
  sessionAt,
} from "./expert-sessions";
import { invitationFor } from "./invitation-access";
import { commitTransition } from "./invitation-writes";
import { deliverInvitationNews, sideMembers } from "./notify-invitation";
import { requireReadyProposal } from "./proposal-gate";
import { closeOpenReschedule } from "./reschedule-invitation";

/** States that open, move or close an expert–student contact window (contact-matrix.ts). */
const WINDOW_CHANGES: ReadonlySet<InvitationState> = new Set([
  "scheduled",
  "completed",
  "cancelled",
  "declined",
]);

export interface TransitionInput {
  id: string;
  action: Exclude<InvitationAction, "expire">;
  slotId?: string;
  slots?: string[];
  message?: string;
  /**
   * The expert's accept or counter (each is their yes to a time): may a public event name them
   * (default yes). A counter the requester then accepts never reaches the expert's accept, so the
   * consent is asked on the counter too; the requester's value is never read.
   */
  namePublicly?: boolean;
}

/**
 * Moves an invitation through one transition for one of its two sides. The change, its history
 * and the other side's notifications are one D1 batch guarded by the version read here, so of
 * two concurrent actions exactly one applies; the other gets 409.
 */
export async function transitionInvitation({ ctx, input }: { ctx: ActionContext; input: TransitionInput }) {
  const { invitation, party, actor, officer } = await invitationFor(ctx, input.id);
  const counters = await latestRoundNumber(ctx, invitation.id);
  const result = step(invitation.status, input.action, party, counters);
  if (!result.ok) throw new Conflict(result.reason, result.code ?? "invalid-transition");
  const now = Date.now();
  const changes: Partial<Invitation> = {};
  let newSlots: number[] = [];
  let session: Session | null = null;

  switch (input.action) {
    case "send": {
      if (invitation.responseDeadline <= now)
        throw new Conflict("The response deadline has passed; edit it before sending.", "deadline-passed");
      // Checked again as it goes: slots or the deadline may have changed since it was written.
      if (invitation.proposal?.trim())
        await requireReadyProposal(ctx, {
          text: invitation.proposal,
          expertId: invitation.expertId,
          slotInstants: (await latestRound(ctx, invitation.id)).map((s) => s.startsAt),
          deadline: invitation.responseDeadline,
        });
      const expert = await ctx.db
        .select({ accepting: expertProfiles.acceptingInvitations })
        .from(expertProfiles)
        .where(eq(expertProfiles.userId, invitation.expertId))
        .get();
      if (!expert?.accepting)
        throw new Conflict("This expert is not accepting invitations right now.", "not-accepting");
      // Sessions booked since the draft was written may cover some times; not all of them.
      await refuseBusyStarts(
        ctx,
        {
          expertId: invitation.expertId,
          starts: (await latestRound(ctx, invitation.id)).map((s) => s.startsAt),
          durationMinutes: invitation.durationMinutes,
          invitationId: invitation.id,
        },
        "every",
      );
      const requester = await ctx.db
        .select({ role: users.role })
        .from(users)
        .where(eq(users.id, invitation.requesterId))
        .get();
      if (requester?.role === "club") {
        if (officer) changes.signedOffBy = actor.id;
        else if (!invitation.signedOffBy)
          throw new Conflict(
            "A club officer must sign this invitation off before it is sent.",
            "needs-sign-off",
          );
      }
      changes.sentAt = now;
      break;
    }
    case "accept": {
      if (!input.slotId) throw new BadRequest("Choose one of the proposed times.", { field: "slotId" });
      const latest = await latestRound(ctx, invitation.id);
      const slot = latest.find((s) => s.id === input.slotId);
      const proposer = party === "expert" ? "requester" : "expert";
      if (!slot || slot.proposedBy !== proposer)
        throw new BadRequest("That time is not one on offer.", { field: "slotId" });
      if (slot.startsAt <= now) throw new Conflict("That time has already passed.", "slot-passed");
      session = sessionAt(invitation, slot.startsAt);
      await refuseOverlap(ctx, invitation, session, party);
      changes.scheduledStart = slot.startsAt;
      if (party === "expert") {
        changes.respondedAt = invitation.respondedAt ?? now;
        changes.expertNamedPublicly = input.namePublicly ?? true;
      }
      break;
    }
    case "counter": {
      newSlots = (input.slots ?? []).map((s) => Date.parse(s));
      if (newSlots.length < 1 || newSlots.length > 3 || newSlots.some((s) => Number.isNaN(s) || s <= now)) {
        throw new BadRequest("Propose one to three future times.", { field: "slots" });
      }
      if (new Set(newSlots).size !== newSlots.length)
        throw new BadRequest("The proposed times must differ.", { field: "slots" });
      refuseFarStarts(newSlots, now);
      await refuseBusyStarts(
        ctx,
        {
          expertId: invitation.expertId,
          starts: newSlots,
          durationMinutes: invitation.durationMinutes,
          invitationId: invitation.id,
        },
        "any",
      );
      if (party === "expert") {
        changes.respondedAt = invitation.respondedAt ?? now;
        changes.expertNamedPublicly = input.namePublicly ?? true;
      }
      break;
    }
    case "decline":
      if (party === "expert") changes.respondedAt = invitation.respondedAt ?? now;
      break;
    case "complete":
      if (!invitation.scheduledStart || invitation.scheduledStart > now) {
        throw new Conflict("A session can be completed once it has started.", "not-started");
      }
      changes.completedAt = now;
      break;
    case "cancel":
      break;
    default: {
      const never: never = input.action;
      throw new BadRequest(`Unknown action ${String(never)}.`);
    }
  }

  const recipients = (await sideMembers(ctx, invitation, party === "expert" ? "requester" : "expert")).filter(
    (id) => id !== actor.id,
  );
  // A requester's counter sends the invitation back to the expert; it is news of other times, not a new invitation.
  const facts = {
    event: input.action === "counter" ? ("countered" as const) : result.to,
    actor: actor.displayName,
    title: invitation.title,
  };
  const message = input.message?.trim() || null;
  let from = invitation.status;
  const events = result.path.map((to) => {
    const event = {
      id: crypto.randomUUID(),
      actorId: actor.id,
      action: to === "scheduled" && from === "accepted" ? "schedule" : input.action,
      fromStatus: from,
      toStatus: to,
      message,
    };
    from = to;
    return event;
  });
  const round = input.action === "counter" ? counters + 1 : 0;
  const leavesSchedule = invitation.status === "scheduled" && result.to !== "scheduled";
  const applied = await commitTransition(ctx, {
    invitation,
    to: result.to,
    changes,
    events,
    recipients,
    facts,
    now,
    // Checked again inside the write: of two overlapping accepts at the same moment only one lands.
    ...(session ? { guard: noOverlap(invitation, session) } : {}),
    rows: newSlots.map((startsAt) => ({
      table: invitationSlots,
      row: { id: crypto.randomUUID(), invitationId: invitation.id, startsAt, round, proposedBy: party },
    })),
    // A session that is cancelled or completed has nothing left to move.
    ...(leavesSchedule ? { also: (won: SQL) => [closeOpenReschedule(ctx, invitation.id, now, won)] } : {}),
  });
  if (!applied) {
    if (session) await refuseOverlap(ctx, invitation, session, party);
    throw new Conflict("The invitation changed while you were acting; reload and try again.", "stale");
  }
  // A session that took place is an edge the network knows from real activity.
  if (result.to === "completed") await connect(ctx, invitation.requesterId, invitation.expertId, "session");
  // The expert–student direct room follows the invitation: read-only after a cancel or decline.
  if (WINDOW_CHANGES.has(result.to)) await syncInvitationRooms(ctx, invitation);
  const lastEvent = events[events.length - 1];
  if (lastEvent) {
    const news = {
      recipients,
      eventId: lastEvent.id,
      text: notificationText(facts),
      invitationId: invitation.id,
    };
    if (leavesSchedule)
      await afterScheduleChange(ctx, { ...invitation, status: result.to }, lastEvent.id, news);
    else await deliverInvitationNews(ctx, news);
  }
  return { status: result.to };
}

/** How many counter-proposals the invitation has had: its latest slot round (round 0 is the first proposal). */
export async function latestRoundNumber(
  ctx: Pick<ActionContext, "db">,
  invitationId: string,
): Promise<number> {
  const row = await ctx.db
    .select({ round: invitationSlots.round })
    .from(invitationSlots)
    .where(eq(invitationSlots.invitationId, invitationId))
    .orderBy(desc(invitationSlots.round))
    .limit(1)
    .get();
  return row?.round ?? 0;
}

/** The slots of the most recent proposal round: the times the answering side may accept. */
export async function latestRound(ctx: Pick<ActionContext, "db">, invitationId: string) {
  const round = await latestRoundNumber(ctx, invitationId);
  return ctx.db
    .select()
    .from(invitationSlots)
    .where(and(eq(invitationSlots.invitationId, invitationId), eq(invitationSlots.round, round)))
    .all();
}
