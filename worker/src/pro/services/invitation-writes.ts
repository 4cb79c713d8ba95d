import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { invitations } from "../schema";

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
