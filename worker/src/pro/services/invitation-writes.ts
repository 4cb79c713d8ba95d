import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { type NotificationFacts, notifications } from "../../notifications/schema";
import type { ActionContext } from "../../shared/context";
import { notificationText } from "../invitation-news";
import { type Invitation, type InvitationState, invitationEvents, invitations } from "../schema";
import { invalidateTrackRecord } from "./expert-track-record";

/**
 * An INSERT that only happens if the invitation carries `transitionId`, i.e. only if the
 * conditional UPDATE earlier in the same batch won. D1 runs a batch as one transaction, so a
 * transition and everything recorded with it land together or not at all.
 */
export function insertIfTransition<T extends SQLiteTable>(
  db: Db,
  table: T,
  row: Record<string, unknown>,
  invitationId: string,
  transitionId: string,
) {
  const fields: Record<string, SQL.Aliased> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    fields[key] = sql`${row[key] ?? null}`.as(column.name);
  }
  const source = db
    .select(fields)
    .from(invitations)
    .where(and(eq(invitations.id, invitationId), eq(invitations.transitionId, transitionId)));
  // drizzle checks that the selected keys follow the table's column order, which they do.
  return db.insert(table).select(source as never);
}

export interface TransitionEvent {
  id: string;
  actorId: string | null;
  action: string;
  fromStatus: InvitationState;
  toStatus: InvitationState;
  message: string | null;
}

export interface TransitionWrite {
  invitation: Invitation;
  to: InvitationState;
  changes?: Partial<Invitation>;
  events: TransitionEvent[];
  /** Who gets a stored notification of `facts`. */
  recipients: string[];
  facts: NotificationFacts;
  now: number;
  /** Further rows that must land with the transition or not at all (e.g. counter-proposed slots). */
  rows?: { table: SQLiteTable; row: Record<string, unknown> }[];
  /** A further condition the update needs, checked in the same statement (e.g. no overlapping session). */
  guard?: SQL;
  /**
   * Further statements (updates of other rows) that must apply only with the transition; `won` is
   * the condition "this transition's update applied", to put in their WHERE.
   */
  also?: (won: SQL) => BatchStatement[];
}

type BatchStatement = Parameters<Db["batch"]>[0][number];

/**
 * Writes one transition: the version-guarded update, its history, its notifications and any
 * further rows, as one D1 batch. Returns false when another action changed the invitation first,
 * in which case nothing was written.
 */
export async function commitTransition(ctx: ActionContext, write: TransitionWrite): Promise<boolean> {
  const { invitation, now } = write;
  const transitionId = crypto.randomUUID();
  const guarded = (table: SQLiteTable, row: Record<string, unknown>) =>
    insertIfTransition(ctx.db, table, row, invitation.id, transitionId);
  const [updated] = (await ctx.db.batch([
    ctx.db
      .update(invitations)
      .set({
        ...write.changes,
        status: write.to,
        version: invitation.version + 1,
        transitionId,
        updatedAt: now,
      })
      .where(and(eq(invitations.id, invitation.id), eq(invitations.version, invitation.version), write.guard))
      .returning({ id: invitations.id }),
    ...write.events.map((event) =>
      guarded(invitationEvents, { ...event, invitationId: invitation.id, createdAt: now }),
    ),
    ...(write.also?.(
      sql`exists (select 1 from ${invitations} where ${invitations.id} = ${invitation.id} and ${invitations.transitionId} = ${transitionId})`,
    ) ?? []),
    ...(write.rows ?? []).map(({ table, row }) => guarded(table, row)),
    ...write.recipients.map((userId) =>
      guarded(notifications, {
        id: crypto.randomUUID(),
        userId,
        type: "invitation",
        text: notificationText(write.facts),
        // Raw SQL binding: JSON columns are serialised by hand here.
        data: JSON.stringify(write.facts),
        invitationId: invitation.id,
        readAt: null,
        createdAt: now,
      }),
    ),
  ])) as [{ id: string }[], ...unknown[]];
  if (updated.length === 0) return false;
  await invalidateTrackRecord(ctx, invitation.expertId);
  return true;
}
