import { sql } from "drizzle-orm";
import type { GraphUser } from "../../adapters/second-degree/interface";
import { users } from "../../identity/schema";
import type { ActionContext } from "../../shared/context";
import { Conflict } from "../../shared/errors";
import { blocks, connections } from "../schema";

/**
 * Copies D1's whole graph (people, each connection once, blocks) to the mirror, replacing its
 * contents: the repair for a mirror that missed changes, and how a new mirror is filled.
 */
export async function resyncGraph({ ctx }: { ctx: ActionContext }) {
  const mirror = ctx.adapters.graphMirror;
  if (!mirror) throw new Conflict("No graph mirror is configured (NEO4J_QUERY_URL).", "no-mirror");
  const [people, edges, blocked] = await ctx.db.batch([
    ctx.db.select({ id: users.id, displayName: users.displayName, role: users.role }).from(users),
    ctx.db
      .select({ a: connections.userId, b: connections.peerId, source: connections.source })
      .from(connections)
      .where(sql`${connections.userId} < ${connections.peerId}`),
    ctx.db.select({ blocker: blocks.blockerId, blocked: blocks.blockedId }).from(blocks),
  ]);
  await mirror.resync({ users: people as GraphUser[], edges, blocks: blocked });
  return { users: people.length, edges: edges.length, blocks: blocked.length };
}
