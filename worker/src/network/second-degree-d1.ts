import { type SQL, sql } from "drizzle-orm";
import type { Reachable, ReachableExpert, SecondDegree } from "../adapters/second-degree/interface";
import { type Db, inJsonList } from "../db/client";
import { users } from "../identity/schema";

interface Row {
  target_id: string;
  vias: string;
}

/**
 * The local default: an indexed two-hop join over `connections` in D1 (one row per direction, so
 * "my connections" and "theirs" are both primary-key range scans). One pass groups the two-hop
 * rows by person with their mutual connections' ids; a second query names those mutuals. Anyone
 * blocked either way is excluded, as a result and as a mutual connection.
 */
export function d1SecondDegree(db: Db): SecondDegree {
  async function twoHops(userId: string, limit: number, roles: SQL): Promise<Reachable[]> {
    const ranked = await db.all<Row>(sql`
      with mine as (select peer_id from connections where user_id = ${userId}),
      blocked as (
        select blocked_id as id from blocks where blocker_id = ${userId}
        union select blocker_id from blocks where blocked_id = ${userId}
      )
      select e2.peer_id as target_id, json_group_array(e1.peer_id) as vias
      from connections e1
      join connections e2 on e2.user_id = e1.peer_id
      join users t on t.id = e2.peer_id
      where e1.user_id = ${userId}
        and e2.peer_id != ${userId}
        and t.role ${roles}
        and e2.peer_id not in (select peer_id from mine)
        and e2.peer_id not in (select id from blocked)
        and e1.peer_id not in (select id from blocked)
      group by e2.peer_id
      order by count(*) desc, e2.peer_id
      limit ${limit}`);
    if (ranked.length === 0) return [];
    const viaIds = [...new Set(ranked.flatMap((r) => JSON.parse(r.vias) as string[]))];
    const names = await db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(inJsonList(users.id, viaIds));
    const nameOf = new Map(names.map((n) => [n.id, n.displayName]));
    return ranked.map((row) => ({
      userId: row.target_id,
      via: (JSON.parse(row.vias) as string[])
        .map((id) => ({ userId: id, displayName: nameOf.get(id) ?? "" }))
        .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId)),
    }));
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
