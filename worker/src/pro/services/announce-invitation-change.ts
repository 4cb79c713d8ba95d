import type { ActionContext } from "../../shared/context";

/**
 * Tells atas-link that a scheduled invitation changed (rescheduled, cancelled, completed), once the
 * change is committed: an event published from it tells everyone going. A job on the fan-out queue,
 * keyed by the history event, so a retry or a second call is harmless. A failed send loses no
 * data (the event page reads the invitation), so the action that called this is not failed for it.
 */
export async function announceInvitationChange(
  ctx: ActionContext,
  invitationId: string,
  historyEventId: string,
): Promise<void> {
  try {
    await ctx.env.FANOUT_QUEUE.send(
      {
        kind: "invitation-changed",
        key: `invitation-changed:${historyEventId}`,
        invitationId,
        historyEventId,
      },
      { contentType: "json" },
    );
  } catch (error) {
    console.warn(`invitation-changed ${invitationId} not queued: ${String(error)}`);
  }
}
