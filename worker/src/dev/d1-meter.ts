import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { currentUsage } from "../telemetry/usage";

/**
 * Measurement mode for benchmarks (never in production): a request carrying `x-atas-measure: d1`
 * reports the D1 part of its usage meter (telemetry/usage.ts) in `x-d1-rows-read`, `x-d1-rows-written`,
 * `x-d1-rows-returned` and `x-d1-queries`, with the round trips to D1 (a batch is one) in
 * `x-d1-round-trips`. D1's `raw()` (which drizzle uses for selects) reports no meta, so in this mode
 * the meter runs each raw statement once more through `all()` to read its meta (worker.ts turns that
 * on from the header); time such requests separately. With `x-atas-measure: d1+sql` the statements
 * themselves come back too (`x-d1-statements`, base64 JSON of `{ sql, params }[]`), so a benchmark
 * can run the very same queries straight against SQLite and see the overhead.
 */
export const d1Meter = createMiddleware<AppEnv>(async (c, next) => {
  const mode = c.req.header("x-atas-measure");
  const usage = currentUsage();
  if (c.env.APP_ENV === "production" || !usage || (mode !== "d1" && mode !== "d1+sql")) return next();
  // A page's API calls share the page's meter: report only what this call added.
  const before = { ...usage.counts.d1, rowsReturned: usage.rowsReturned, roundTrips: usage.roundTrips };
  const firstStatement = usage.statements?.length ?? 0;
  await next();
  const d1 = usage.counts.d1;
  c.res.headers.set("x-d1-rows-read", String(d1.rowsRead - before.rowsRead));
  c.res.headers.set("x-d1-rows-written", String(d1.rowsWritten - before.rowsWritten));
  c.res.headers.set("x-d1-rows-returned", String(usage.rowsReturned - before.rowsReturned));
  c.res.headers.set("x-d1-queries", String(d1.queries - before.queries));
  c.res.headers.set("x-d1-round-trips", String(usage.roundTrips - before.roundTrips));
  if (mode === "d1+sql")
    c.res.headers.set(
      "x-d1-statements",
      btoa(encodeUtf8(JSON.stringify(usage.statements?.slice(firstStatement) ?? []))),
    );
});

/** btoa takes Latin-1; the statements may carry any text. */
function encodeUtf8(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}
