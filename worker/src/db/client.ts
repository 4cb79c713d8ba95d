import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";

/** Queries are written with the query builder over each domain's tables; no relational schema is registered. */
export function createDb(d1: D1Database) {
  return drizzle(d1);
}
export type Db = ReturnType<typeof createDb>;

/** `column IN (ids)` with the ids as one JSON parameter: D1 allows at most 100 bound parameters a query. */
export function inJsonList(column: AnyColumn, ids: string[]): SQL {
  return sql`${column} in (select value from json_each(${JSON.stringify(ids)}))`;
}
