import { and, desc, eq, gt, inArray, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { inJsonList } from "../../db/client";
import { users } from "../../identity/schema";
import { connect, disconnect, isBlockedEitherWay } from "../../network";
import { blocks, connections } from "../../network/schema";
import { pushLive } from "../../notifications";
import { notifications } from "../../notifications/schema";
import { clubProfiles } from "../../profiles/schema";
import { type ActionContext, me } from "../../shared/context";
import { BadRequest, Conflict, Forbidden, NotFound } from "../../shared/errors";
import { enforce } from "../../shared/rate-limit";
import { LIVE, type OfficerAction, type OfficerParty, officerStep } from "../officer-machine";
import { clubOfficers, type OfficerState, officerInvitations } from "../schema";

/**
 * After a student declines or leaves, or the club withdraws, the same club may not ask again for
 * this long (no pestering: each ask is a fresh notification, so withdraw-and-ask must not bypass it).
 */
export const DECLINE_COOLDOWN_MS = 30 * 86_400_000;

export interface OfficerAsk {
  userId: string;
  title: string;
}

type Batch = [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

const live = inArray(officerInvitations.status, [...LIVE]);

function requireClub(ctx: ActionContext) {
  const actor = me(ctx);
  if (actor.role !== "club") throw new Forbidden("Only a club account invites officers.");
  return actor;
}

/**
 * Everything that decides whether `clubId` may ask these students, read in one batch: who is a
 * student, who is blocked either way, who declined, left or was withdrawn lately, and the live ties there are.
 */
async function askable(ctx: ActionContext, clubId: string, userIds: string[], now: number) {
  const [students, blocked, declined, current] = await ctx.db.batch([
    ctx.db
      .select({ id: users.id })
      .from(users)
      .where(and(inJsonList(users.id, userIds), eq(users.role, "student"))),
    ctx.db
      .select({ a: blocks.blockerId, b: blocks.blockedId })
      .from(blocks)
      .where(
        or(
          and(eq(blocks.blockerId, clubId), inJsonList(blocks.blockedId, userIds)),
          and(eq(blocks.blockedId, clubId), inJsonList(blocks.blockerId, userIds)),
        ),
      ),
    ctx.db
      .select({ userId: officerInvitations.userId })
      .from(officerInvitations)
      .where(
        and(
          eq(officerInvitations.clubId, clubId),
          inJsonList(officerInvitations.userId, userIds),
          inArray(officerInvitations.status, ["declined", "withdrawn", "left"]),
          gt(officerInvitations.answeredAt, now - DECLINE_COOLDOWN_MS),
        ),
      ),
    ctx.db
      .select()
      .from(officerInvitations)
      .where(and(eq(officerInvitations.clubId, clubId), live)),
  ]);
  if (students.length !== new Set(userIds).size)
    throw new BadRequest("Officers must be student accounts.", { field: "officers" });
  // Deliberately vague: the club does not learn who blocked whom.
  if (blocked.length) throw new Forbidden("You cannot invite this person to be an officer.", "cannot-invite");
  const cooling = new Set(declined.map((d) => d.userId));
  return { cooling, current: new Map(current.map((row) => [row.userId, row])) };
}

/** A new pending invitation and its notification (with Accept / Decline), as batch statements. */
function askStatements(ctx: ActionContext, clubId: string, clubName: string, ask: OfficerAsk, now: number) {
  const id = crypto.randomUUID();
  const text = `${clubName} invites you to be an officer (${ask.title}).`;
  return {
    id,
    statements: [
      ctx.db
        .insert(officerInvitations)
        .values({ id, clubId, userId: ask.userId, title: ask.title, status: "pending", createdAt: now }),
      ctx.db.insert(notifications).values({
        userId: ask.userId,
        type: "officer-invitation",
        text,
        officerInvitationId: id,
        data: { event: "officer-invitation", actor: clubName, title: ask.title },
        createdAt: now,
      }),
    ],
    push: () => pushLive(ctx, [ask.userId], { type: "officer-invitation", text }),
  };
}

async function clubNameOf(ctx: ActionContext, clubId: string, fallback: string) {
  const row = await ctx.db
    .select({ name: clubProfiles.name })
    .from(clubProfiles)
    .where(eq(clubProfiles.userId, clubId))
    .get();
  return row?.name || fallback;
}

async function runBatch(ctx: ActionContext, statements: BatchItem<"sqlite">[]) {
  try {
    if (statements.length) await ctx.db.batch(statements as Batch);
  } catch (error) {
    // Two asks raced: the live-tie index kept one.
    if (String(error).includes("UNIQUE constraint failed"))
      throw new Conflict("Already invited.", "already-invited");
    throw error;
  }
}

/** A club asks one student to serve as an officer. Nothing changes for the student until they accept. */
export async function inviteOfficer({ ctx, input }: { ctx: ActionContext; input: OfficerAsk }) {
  const club = requireClub(ctx);
  const now = Date.now();
  const { cooling, current } = await askable(ctx, club.id, [input.userId], now);
  const existing = current.get(input.userId);
  if (existing)
    throw new Conflict(
      existing.status === "accepted" ? "They already serve as an officer." : "They have not answered yet.",
      existing.status === "accepted" ? "already-officer" : "already-invited",
    );
  if (cooling.has(input.userId))
    throw new Conflict(
      "Asked lately; a club may ask again 30 days after a decline, a withdrawal or a leave.",
      "declined-recently",
    );
  await enforce(ctx.env, "officerInviteClub", club.id);
  const ask = askStatements(ctx, club.id, await clubNameOf(ctx, club.id, club.displayName), input, now);
  await runBatch(ctx, ask.statements);
  ask.push();
  return {
    id: ask.id,
    clubId: club.id,
    userId: input.userId,
    title: input.title,
    status: "pending" as const,
  };
}

/**
 * The profile form's officer list, kept compatible: listed students not yet asked are invited,
 * titles of live ties follow the list, and live ties left out are withdrawn or removed.
 */
export async function setClubOfficers(ctx: ActionContext, asks: OfficerAsk[], newClubName?: string) {
  const club = requireClub(ctx);
  const now = Date.now();
  const wanted = new Map(asks.map((a) => [a.userId, a]));
  const { cooling, current } = await askable(ctx, club.id, [...wanted.keys()], now);
  const fresh = [...wanted.values()].filter((a) => !current.has(a.userId));
  const refused = fresh.find((a) => cooling.has(a.userId));
  if (refused)
    throw new Conflict(
      "Asked lately; a club may ask again 30 days after a decline, a withdrawal or a leave.",
      "declined-recently",
    );
  for (const _ of fresh) await enforce(ctx.env, "officerInviteClub", club.id);

  const clubName = newClubName ?? (await clubNameOf(ctx, club.id, club.displayName));
  const statements: BatchItem<"sqlite">[] = [];
  const pushes: (() => void)[] = [];
  for (const ask of fresh) {
    const made = askStatements(ctx, club.id, clubName, ask, now);
    statements.push(...made.statements);
    pushes.push(made.push);
  }
  const ended: OfficerTie[] = [];
  for (const row of current.values()) {
    const keep = wanted.get(row.userId);
    if (!keep) {
      ended.push(row);
      statements.push(...endStatements(ctx, row, row.status === "accepted" ? "removed" : "withdrawn", now));
    } else if (keep.title !== row.title) {
      statements.push(
        ctx.db.update(officerInvitations).set({ title: keep.title }).where(eq(officerInvitations.id, row.id)),
        ctx.db
          .update(clubOfficers)
          .set({ title: keep.title })
          .where(and(eq(clubOfficers.clubId, club.id), eq(clubOfficers.userId, row.userId))),
      );
    }
  }
  await runBatch(ctx, statements);
  for (const push of pushes) push();
  for (const row of ended) if (row.status === "accepted") await dropClubEdge(ctx, row.clubId, row.userId);
}

type OfficerTie = Pick<typeof officerInvitations.$inferSelect, "id" | "clubId" | "userId" | "status">;

/** The guarded move of one tie out of its state, and the office it held. */
function endStatements(ctx: ActionContext, tie: OfficerTie, to: OfficerState, now: number) {
  return [
    ctx.db
      .update(officerInvitations)
      .set({ status: to, answeredAt: now })
      .where(and(eq(officerInvitations.id, tie.id), eq(officerInvitations.status, tie.status))),
    // Only if the move above applied: a racing accept must not be left without its office.
    ctx.db
      .delete(clubOfficers)
      .where(
        and(
          eq(clubOfficers.clubId, tie.clubId),
          eq(clubOfficers.userId, tie.userId),
          sql`exists (select 1 from ${officerInvitations} where id = ${tie.id} and status = ${to})`,
        ),
      ),
  ] as const;
}

/** The club connection existed for the office; it ends with it (a connection made otherwise stays). */
async function dropClubEdge(ctx: ActionContext, clubId: string, userId: string) {
  const edge = await ctx.db
    .select({ source: connections.source })
    .from(connections)
    .where(and(eq(connections.userId, clubId), eq(connections.peerId, userId)))
    .get();
  if (edge?.source === "club") await disconnect(ctx, clubId, userId);
}

const changed = (result: unknown) => Boolean((result as { meta?: { changes?: number } }).meta?.changes);

/**
 * The student answers (accept, decline, leave) or the club takes back (withdraw, remove). Anyone
 * else gets 404. Each move is guarded by the state it was read in, so of two racing moves one applies.
 */
export async function answerOfficerInvitation({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; action: Exclude<OfficerAction, "block"> };
}) {
  const actor = me(ctx);
  const tie = await ctx.db.select().from(officerInvitations).where(eq(officerInvitations.id, input.id)).get();
  const party: OfficerParty | null = !tie
    ? null
    : tie.userId === actor.id
      ? "student"
      : tie.clubId === actor.id
        ? "club"
        : null;
  if (!tie || !party) throw new NotFound("No such officer invitation.");
  const next = officerStep(tie.status, input.action, party);
  if (!next.ok)
    throw next.wrongParty ? new Forbidden(next.reason) : new Conflict(next.reason, "officer-state");
  const now = Date.now();

  if (next.to === "accepted") {
    if (await isBlockedEitherWay(ctx, tie.clubId, tie.userId))
      throw new Conflict("This invitation can no longer be accepted.", "officer-state");
    const [moved] = await ctx.db.batch([
      ctx.db
        .update(officerInvitations)
        .set({ status: "accepted", answeredAt: now })
        .where(and(eq(officerInvitations.id, tie.id), eq(officerInvitations.status, "pending"))),
      // Written only if this invitation is (now) accepted, so a racing withdraw or block wins cleanly.
      ctx.db
        .insert(clubOfficers)
        .select(
          ctx.db
            .select({
              clubId: officerInvitations.clubId,
              userId: officerInvitations.userId,
              title: officerInvitations.title,
            })
            .from(officerInvitations)
            .where(and(eq(officerInvitations.id, tie.id), eq(officerInvitations.status, "accepted"))),
        )
        .onConflictDoNothing(),
    ]);
    if (!changed(moved)) throw new Conflict("This invitation was answered already.", "officer-state");
    // Serving together is a tie the student said yes to; it is the network's "club" edge.
    await connect(ctx, tie.clubId, tie.userId, "club");
    // A withdraw, removal or block that landed between the accept and the edge ended the office
    // already; the edge goes with it.
    const after = await ctx.db
      .select({ status: officerInvitations.status })
      .from(officerInvitations)
      .where(eq(officerInvitations.id, tie.id))
      .get();
    if (after?.status !== "accepted") await dropClubEdge(ctx, tie.clubId, tie.userId);
    return { id: tie.id, status: "accepted" as const };
  }

  const [move, office] = endStatements(ctx, tie, next.to, now);
  const [moved] = await ctx.db.batch([move, office]);
  if (!changed(moved)) throw new Conflict("This invitation was answered already.", "officer-state");
  if (tie.status === "accepted") await dropClubEdge(ctx, tie.clubId, tie.userId);
  return { id: tie.id, status: next.to };
}

/** The club takes back its ask to `userId`, or removes them as an officer, whichever it is now. */
export async function removeOfficer({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const club = requireClub(ctx);
  // The student may accept between the read and the write; then the second pass removes them.
  for (let attempt = 0; ; attempt++) {
    const tie = await ctx.db
      .select({ id: officerInvitations.id, status: officerInvitations.status })
      .from(officerInvitations)
      .where(and(eq(officerInvitations.clubId, club.id), eq(officerInvitations.userId, input.userId), live))
      .get();
    if (!tie) throw new NotFound("They are neither invited nor an officer.");
    try {
      return await answerOfficerInvitation({
        ctx,
        input: { id: tie.id, action: tie.status === "accepted" ? "remove" : "withdraw" },
      });
    } catch (error) {
      if (attempt > 0 || !(error instanceof Conflict)) throw error;
    }
  }
}

/** The clubs a student serves and the invitations waiting for their answer. */
export async function listMyClubs({ ctx }: { ctx: ActionContext }) {
  const actor = me(ctx);
  const rows = await ctx.db
    .select({
      invitationId: officerInvitations.id,
      clubId: officerInvitations.clubId,
      name: sql<string>`coalesce(nullif(${clubProfiles.name}, ''), ${users.displayName})`,
      title: officerInvitations.title,
      status: officerInvitations.status,
      createdAt: officerInvitations.createdAt,
      answeredAt: officerInvitations.answeredAt,
    })
    .from(officerInvitations)
    .innerJoin(users, eq(users.id, officerInvitations.clubId))
    .leftJoin(clubProfiles, eq(clubProfiles.userId, officerInvitations.clubId))
    .where(and(eq(officerInvitations.userId, actor.id), live))
    .orderBy(desc(officerInvitations.createdAt))
    .limit(500);
  const view = (r: (typeof rows)[number]) => ({
    invitationId: r.invitationId,
    clubId: r.clubId,
    name: r.name,
    title: r.title,
    since: new Date(r.answeredAt ?? r.createdAt).toISOString(),
  });
  return {
    serving: rows.filter((r) => r.status === "accepted").map(view),
    pending: rows.filter((r) => r.status === "pending").map(view),
  };
}

/** The club's own view: everyone it asked who has not said no, and everyone serving. */
export async function listClubOfficers({ ctx }: { ctx: ActionContext }) {
  const club = requireClub(ctx);
  const rows = await ctx.db
    .select({
      invitationId: officerInvitations.id,
      userId: officerInvitations.userId,
      displayName: users.displayName,
      title: officerInvitations.title,
      status: officerInvitations.status,
    })
    .from(officerInvitations)
    .innerJoin(users, eq(users.id, officerInvitations.userId))
    .where(and(eq(officerInvitations.clubId, club.id), live))
    .orderBy(desc(officerInvitations.createdAt))
    .limit(500);
  return {
    officers: rows as {
      invitationId: string;
      userId: string;
      displayName: string;
      title: string;
      status: "pending" | "accepted";
    }[],
  };
}
