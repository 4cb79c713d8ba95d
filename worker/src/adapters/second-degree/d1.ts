import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { ReachableExpert, SecondDegree } from "./interface";

interface Row {
  expert_id: string;
  via_id: string;
  via_name: string;
  mutuals: number;
}

/** The local default: an indexed two-hop join over `connections` in D1. */
export function d1SecondDegree(db: Db): SecondDegree {
  return {
    async experts(userId: string, limit: number): Promise<ReachableExpert[]> {
      const rows = await db.all<Row>(sql`
        with mine as (select peer_id from connections where user_id = ${userId}),
        reach as (
          select e2.peer_id as expert_id, e1.peer_id as via_id
          from connections e1
          join connections e2 on e2.user_id = e1.peer_id
          join users u on u.id = e2.peer_id and u.role = 'expert'
          where e1.user_id = ${userId}
            and e2.peer_id != ${userId}
            and e2.peer_id not in (select peer_id from mine)
        ),
        ranked as (
          select expert_id, count(*) as mutuals from reach group by expert_id
          order by mutuals desc, expert_id limit ${limit}
        )
        select r.expert_id, reach.via_id, v.display_name as via_name, r.mutuals
        from ranked r
        join reach on reach.expert_id = r.expert_id
        join users v on v.id = reach.via_id
        order by r.mutuals desc, r.expert_id, v.display_name`);
      const experts = new Map<string, ReachableExpert>();
      for (const row of rows) {
        const entry = experts.get(row.expert_id) ?? { expertId: row.expert_id, via: [] };
        entry.via.push({ userId: row.via_id, displayName: row.via_name });
        experts.set(row.expert_id, entry);
      }
      return [...experts.values()];
    },
  };
}
