import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/**
 * Measurement mode for benchmarks (never in production): a request carrying
 * `x-atas-measure: d1` runs against a D1 wrapper that adds up `rows_read`, `rows_written` and rows
 * returned and reports them in `x-d1-rows-read`, `x-d1-rows-written`, `x-d1-rows-returned` and `x-d1-queries`, with the round trips
 * to D1 (a batch is one) in `x-d1-round-trips`. D1's `raw()` (which
 * drizzle uses for selects) reports no meta, so in this mode each raw statement also runs once
 * through `all()` to read its meta (a write runs once, its rows read from that run); time such requests
 * separately. With `x-atas-measure: d1+sql` the
 * statements themselves come back too (`x-d1-statements`, base64 JSON of `{ sql, params }[]`), so a
 * benchmark can run the very same queries straight against SQLite and see the overhead.
 */
export const d1Meter = createMiddleware<AppEnv>(async (c, next) => {
  const mode = c.req.header("x-atas-measure");
  if (c.env.APP_ENV === "production" || (mode !== "d1" && mode !== "d1+sql")) return next();
  const tally = { rowsRead: 0, rowsWritten: 0, rowsReturned: 0, queries: 0, roundTrips: 0 };
  const statements: { sql: string; params: unknown[] }[] = [];
  const texts = new WeakMap<D1PreparedStatement, { sql: string; params: unknown[] }>();
  const count = (
    meta: { rows_read?: number; rows_written?: number } | undefined,
    rows: number,
    statement?: D1PreparedStatement,
  ) => {
    const text = statement && texts.get(statement);
    if (mode === "d1+sql" && text) statements.push(text);
    tally.queries += 1;
    tally.rowsRead += meta?.rows_read ?? 0;
    tally.rowsWritten += meta?.rows_written ?? 0;
    tally.rowsReturned += rows;
  };
  const wrapStatement = (
    statement: D1PreparedStatement,
    sql: string,
    params: unknown[],
  ): D1PreparedStatement => {
    const wrapped: D1PreparedStatement = new Proxy(statement, {
      get(target, property) {
        if (property === "bind")
          return (...args: unknown[]) => wrapStatement(target.bind(...args), sql, args);
        if (property === "all") {
          return async () => {
            tally.roundTrips += 1;
            const result = await target.all();
            count(result.meta, result.results.length, wrapped);
            return result;
          };
        }
        if (property === "raw") {
          return async (options?: { columnNames?: boolean }) => {
            tally.roundTrips += 1;
            const metered = await target.all();
            count(metered.meta, metered.results.length, wrapped);
            if (!READ_ONLY.test(sql)) {
              // A write must not run twice (an insert would meet its own key): its rows come from the
              // one run, in column order (a RETURNING list names each column once).
              const rows = metered.results.map((row) => Object.values(row as Record<string, unknown>));
              const names = Object.keys((metered.results[0] as Record<string, unknown> | undefined) ?? {});
              return options?.columnNames ? [names, ...rows] : rows;
            }
            return options?.columnNames ? target.raw({ columnNames: true }) : target.raw();
          };
        }
        if (property === "first") {
          return async (column?: string) => {
            tally.roundTrips += 1;
            const result = await target.all();
            count(result.meta, Math.min(result.results.length, 1), wrapped);
            if (!READ_ONLY.test(sql)) {
              const row = (result.results[0] as Record<string, unknown> | undefined) ?? null;
              return column === undefined || row === null ? row : row[column];
            }
            return column === undefined ? target.first() : target.first(column);
          };
        }
        if (property === "run") {
          return async () => {
            tally.roundTrips += 1;
            const result = await target.run();
            count(result.meta, result.results?.length ?? 0, wrapped);
            return result;
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    texts.set(wrapped, { sql, params });
    return wrapped;
  };
  const raw = c.env.DB;
  const metered = new Proxy(raw, {
    get(target, property) {
      if (property === "prepare") return (query: string) => wrapStatement(target.prepare(query), query, []);
      if (property === "batch") {
        return async (batch: D1PreparedStatement[]) => {
          tally.roundTrips += 1;
          const results = await target.batch(batch);
          results.forEach((result, i) => {
            count(result.meta, result.results?.length ?? 0, batch[i]);
          });
          return results;
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  c.set("d1", metered);
  await next();
  c.res.headers.set("x-d1-rows-read", String(tally.rowsRead));
  c.res.headers.set("x-d1-rows-written", String(tally.rowsWritten));
  c.res.headers.set("x-d1-rows-returned", String(tally.rowsReturned));
  c.res.headers.set("x-d1-queries", String(tally.queries));
  c.res.headers.set("x-d1-round-trips", String(tally.roundTrips));
  if (mode === "d1+sql") c.res.headers.set("x-d1-statements", btoa(encodeUtf8(JSON.stringify(statements))));
});

/** Statements that only read, which the measurement may run twice. */
const READ_ONLY = /^\s*(select|with|pragma)\b/i;

/** btoa takes Latin-1; the statements may carry any text. */
function encodeUtf8(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}
