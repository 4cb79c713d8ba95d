import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { Reachable, ReachableExpert, SecondDegree } from "./interface";

interface Row {
  target_id: string;
  via_id: string;
  via_name: string;
  mutuals: number;
}

/**
 * The local default: an indexed two-hop join over `connections` in D1 (one row per direction, so
 * "my connections" and "theirs" are both primary-key range scans: about degree² rows read).
 * Anyone blocked either way is excluded, as a result and as a mutual connection.
 */
export function d1SecondDegree(db: Db): SecondDegree {
  async function twoHops(userId: string, limit: number, roles: SQL): Promise<Reachable[]> {
    const rows = await db.all<Row>(sql`
      with mine as (select peer_id from connections where user_id = ${userId}),
      blocked as (
        select blocked_id as id from blocks where blocker_id = ${userId}
        union select blocker_id from blocks where blocked_id = ${userId}
      ),
      reach as (
        select e2.peer_id as target_id, e1.peer_id as via_id
        from connections e1
        join connections e2 on e2.user_id = e1.peer_id
        where e1.user_id = ${userId}
          and e2.peer_id != ${userId}
          and e2.peer_id not in (select peer_id from mine)
          and e2.peer_id not in (select id from blocked)
          and e1.peer_id not in (select id from blocked)
      ),
      ranked as (
        select reach.target_id, count(*) as mutuals
        from reach join users t on t.id = reach.target_id and t.role ${roles}
        group by reach.target_id
        order by mutuals desc, reach.target_id
        limit ${limit}
      )
      select r.target_id, reach.via_id, v.display_name as via_name, r.mutuals
      from ranked r
      join reach on reach.target_id = r.target_id
      join users v on v.id = reach.via_id
      order by r.mutuals desc, r.target_id, v.display_name`);
    const found = new Map<string, Reachable>();
    for (const row of rows) {
      const entry = found.get(row.target_id) ?? { userId: row.target_id, via: [] };
      entry.via.push({ userId: row.via_id, displayName: row.via_name });
      found.set(row.target_id, entry);
    }
    return [...found.values()];
  }
  return {
    async experts(userId: string, limit: number): Promise<ReachableExpert[]> {
      return (await twoHops(userId, limit, sql`= 'expert'`)).map((r) => ({ ...r, expertId: r.userId }));
    },
    people(userId: string, limit: number): Promise<Reachable[]> {
      return twoHops(userId, limit, sql`not in ('expert', 'admin')`);
    },
  };
}
