import { and, eq, or } from "drizzle-orm";
import type { GraphChange } from "../../adapters/second-degree/interface";
import { blocks, connections, type EDGE_SOURCES } from "../../graph/schema";
import { users } from "../../identity/schema";
import { forgetAuthors } from "../../link";
import { follows } from "../../link/engagement/schema";
import { endOfficerTies } from "../../profiles/services/officer-ties";
import { roomOf } from "../../realtime/room";
import { directRoomId } from "../../realtime/room-protocol";
import { invalidate } from "../../shared/cache-aside";
import type { ActionContext } from "../../shared/context";

export type EdgeSource = (typeof EDGE_SOURCES)[number];

/** The cache keys of one user's network answers; any change to their edges invalidates both. */
export const networkKeys = (userId: string) => [`network:experts:${userId}`, `network:people:${userId}`];

/**
 * After a D1 edge write: the graph mirror hears of it through the `graph` queue (in order, applied
 * idempotently), and both people's cached network answers are invalidated. Friends of friends see
 * the change when their own entries expire (short TTL).
 */
async function afterEdgeChange(ctx: ActionContext, people: string[], changes: GraphChange[]) {
  await Promise.all(people.flatMap((id) => networkKeys(id).map((key) => invalidate(ctx, key))));
  try {
    await ctx.env.GRAPH_QUEUE.send({ kind: "graph", key: crypto.randomUUID(), changes });
  } catch (error) {
    // D1 stays the source of truth; `POST /api/admin/graph/resync` repairs a mirror that missed this.
    console.warn(`graph change not queued: ${String(error)}`);
  }
}

/** Connects two people (both directions); an existing edge keeps its first source. */
export async function connect(
  ctx: ActionContext,
  a: string,
  b: string,
  source: EdgeSource,
): Promise<boolean> {
  if (a === b) return false;
  const now = Date.now();
  const results = await ctx.db.batch([
    ctx.db.insert(connections).values({ userId: a, peerId: b, source, createdAt: now }).onConflictDoNothing(),
    ctx.db.insert(connections).values({ userId: b, peerId: a, source, createdAt: now }).onConflictDoNothing(),
  ]);
  const created = results.some((r) => (r as { meta?: { changes?: number } }).meta?.changes);
  if (!created) return false;
  const people = await ctx.db
    .select({ id: users.id, displayName: users.displayName, role: users.role })
    .from(users)
    .where(or(eq(users.id, a), eq(users.id, b)));
  await afterEdgeChange(
    ctx,
    [a, b],
    [...people.map((user) => ({ op: "user" as const, user })), { op: "connect", a, b, source }],
  );
  return true;
}

export async function disconnect(ctx: ActionContext, a: string, b: string): Promise<boolean> {
  const [one] = await ctx.db.batch([
    ctx.db.delete(connections).where(and(eq(connections.userId, a), eq(connections.peerId, b))),
    ctx.db.delete(connections).where(and(eq(connections.userId, b), eq(connections.peerId, a))),
  ]);
  if (!(one as { meta?: { changes?: number } }).meta?.changes) return false;
  await afterEdgeChange(ctx, [a, b], [{ op: "disconnect", a, b }]);
  return true;
}

/** A block also removes any connection, follow and officer tie between the two (the counts follow by trigger). */
export async function block(ctx: ActionContext, blocker: string, blocked: string): Promise<void> {
  await ctx.db.batch([
    ctx.db.insert(blocks).values({ blockerId: blocker, blockedId: blocked }).onConflictDoNothing(),
    ctx.db
      .delete(follows)
      .where(
        or(
          and(eq(follows.followerId, blocker), eq(follows.followeeId, blocked)),
          and(eq(follows.followerId, blocked), eq(follows.followeeId, blocker)),
        ),
      ),
  ]);
  // Officer invitations and the office itself end too; a blocked club cannot ask again.
  await endOfficerTies(ctx, blocker, blocked);
  await disconnect(ctx, blocker, blocked);
  // A direct room already open between them closes now; joining it again is refused.
  await roomOf(ctx.env, directRoomId(blocker, blocked)).disconnect([blocker, blocked]);
  // The follows are gone: each one's notes leave the other's following-feed timeline.
  await forgetAuthors(ctx, [blocker, blocked], [blocker, blocked]);
  await afterEdgeChange(ctx, [blocker, blocked], [{ op: "block", blocker, blocked }]);
}

export async function unblock(ctx: ActionContext, blocker: string, blocked: string): Promise<void> {
  await ctx.db.delete(blocks).where(and(eq(blocks.blockerId, blocker), eq(blocks.blockedId, blocked)));
  await afterEdgeChange(ctx, [blocker, blocked], [{ op: "unblock", blocker, blocked }]);
}

export async function isBlockedEitherWay(ctx: ActionContext, a: string, b: string): Promise<boolean> {
  const row = await ctx.db
    .select({ a: blocks.blockerId })
    .from(blocks)
    .where(
      or(
        and(eq(blocks.blockerId, a), eq(blocks.blockedId, b)),
        and(eq(blocks.blockerId, b), eq(blocks.blockedId, a)),
      ),
    )
    .get();
  return row !== undefined;
}
