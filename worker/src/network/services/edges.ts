import { and, eq, or } from "drizzle-orm";
import { countsReady, type GraphChange } from "../../adapters/second-degree/interface";
import { users } from "../../identity/schema";
import { invalidate } from "../../shared/cache-aside";
import type { ActionContext } from "../../shared/context";
import { blocks, connections, type EDGE_SOURCES } from "../schema";

export type EdgeSource = (typeof EDGE_SOURCES)[number];

/** The cache keys of one user's network answers (experts, people); a change to their edges invalidates them. */
export const networkKeys = [
  (userId: string) => `network:experts:${userId}`,
  (userId: string) => `network:people:${userId}`,
] as const;

/**
 * After a D1 edge write: the graph mirror hears of it through the `graph` queue (in order, applied
 * idempotently), and both people's cached network answers are invalidated. Friends of friends see
 * the change when their own entries expire (short TTL). D1's candidate set needs no invalidation:
 * its triggers updated it in the write itself, and experts read from it are not cached.
 */
export async function afterEdgeChange(ctx: ActionContext, people: string[], changes: GraphChange[]) {
  const cached = countsReady(ctx.adapters.graph) ? networkKeys.slice(1) : networkKeys;
  await Promise.all(people.flatMap((id) => cached.map((key) => invalidate(ctx, key(id)))));
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
