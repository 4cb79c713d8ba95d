import { eq, sql } from "drizzle-orm";
import type {
  CountedExpert,
  CountedSecondDegree,
  Reachable,
  ReachableExpert,
} from "../adapters/second-degree/interface";
import type { Db } from "../db/client";
import { blocks, connections, secondDegreeExperts } from "./schema";
import { d1SecondDegree } from "./second-degree-d1";

/**
 * The default: each user's second-degree experts with their mutual counts, kept in
 * `second_degree_experts` by triggers in the same statement as every edge or role write
 * (migrations/0034), so a read is one primary-key range of the user's rows (at most their
 * second-degree experts, ≤ degree²) plus their blocks and connections, which it leaves out, and
 * then the mutual connections of the page shown (page × degree seeks).
 *
 * The stored count is every path user → mutual → expert. A mutual who is blocked either way is not
 * a mutual; the app never keeps a connection between two people who block each other (a block
 * disconnects them, asking is refused), so that case only arises in data written around the app,
 * and such a read is answered by the two-hop query (`d1SecondDegree`, the reference) instead.
 * "People you may know" is not kept (everyone two hops away would be degree² rows per user): it
 * stays the two-hop query.
 */
export function d1SecondDegreeSet(db: Db): CountedSecondDegree {
  const twoHop = d1SecondDegree(db);

  async function expertCounts(userId: string, limit: number): Promise<CountedExpert[]> {
    // One round trip: the user's whole range (≤ their second-degree experts), their connections and
    // blocks. Sorting and leaving out in the worker reads each row once; in SQL the sorter and the
    // exclusion probes each count every row again.
    const [rows, mine, blocking, blockedBy] = await db.batch([
      db
        .select({ expertId: secondDegreeExperts.expertId, mutuals: secondDegreeExperts.mutuals })
        .from(secondDegreeExperts)
        .where(eq(secondDegreeExperts.userId, userId)),
      db.select({ id: connections.peerId }).from(connections).where(eq(connections.userId, userId)),
      db.select({ id: blocks.blockedId }).from(blocks).where(eq(blocks.blockerId, userId)),
      db.select({ id: blocks.blockerId }).from(blocks).where(eq(blocks.blockedId, userId)),
    ]);
    const blocked = new Set([...blocking, ...blockedBy].map((b) => b.id));
    // A connection to someone blocked either way (only written around the app, see above).
    if (mine.some((m) => blocked.has(m.id)))
      return (await twoHop.experts(userId, limit)).map((r) => ({ userId: r.userId, mutuals: r.via.length }));
    const direct = new Set(mine.map((m) => m.id));
    return rows
      .filter((row) => !direct.has(row.expertId) && !blocked.has(row.expertId))
      .sort(
        (a, b) => b.mutuals - a.mutuals || (a.expertId < b.expertId ? -1 : a.expertId > b.expertId ? 1 : 0),
      )
      .slice(0, limit)
      .map((row) => ({ userId: row.expertId, mutuals: row.mutuals }));
  }

  async function mutualsWith(userId: string, expertIds: string[]): Promise<Map<string, Reachable["via"]>> {
    const found = new Map<string, Reachable["via"]>(expertIds.map((id) => [id, []]));
    if (expertIds.length === 0) return found;
    const rows = await db.all<{ expert_id: string; via_id: string; display_name: string }>(sql`
      with blocked(id) as (
        select blocked_id from blocks where blocker_id = ${userId}
        union select blocker_id from blocks where blocked_id = ${userId}
      )
      select c2.user_id as expert_id, c2.peer_id as via_id, v.display_name
      from connections c2
      join connections c1 on c1.user_id = ${userId} and c1.peer_id = c2.peer_id
      join users v on v.id = c2.peer_id
      where c2.user_id in (select value from json_each(${JSON.stringify(expertIds)}))
        and c2.peer_id not in (select id from blocked)`);
    for (const row of rows)
      found.get(row.expert_id)?.push({ userId: row.via_id, displayName: row.display_name });
    for (const via of found.values())
      via.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId));
    return found;
  }

  return {
    expertCounts,
    mutualsWith,
    async experts(userId: string, limit: number): Promise<ReachableExpert[]> {
      const counted = await expertCounts(userId, limit);
      const via = await mutualsWith(
        userId,
        counted.map((c) => c.userId),
      );
      return counted.map((c) => ({ userId: c.userId, expertId: c.userId, via: via.get(c.userId) ?? [] }));
    },
    people: (userId: string, limit: number) => twoHop.people(userId, limit),
  };
}
