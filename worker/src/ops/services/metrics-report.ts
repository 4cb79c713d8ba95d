import { sql } from "drizzle-orm";
import { type ActionContext, me } from "../../shared/context";
import { Forbidden } from "../../shared/errors";
import {
  type Component,
  emptyUnits,
  METERS,
  monthlyBill,
  monthOf,
  PLATFORM_COMPONENTS,
  type UnitCounts,
} from "../prices";

export const METRIC_WINDOWS = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "24h": 86_400_000,
  "48h": 172_800_000,
} as const;
export type MetricWindow = keyof typeof METRIC_WINDOWS;
const DAY_MS = 86_400_000;

export interface RouteFigures {
  kind: string;
  /** The route template, the queue's name or the cron expression. */
  name: string;
  method: string;
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
}

export interface QueueFigures {
  queue: string;
  sent: number;
  delivered: number;
  acked: number;
  retried: number;
  /** Sent in the window and not yet acknowledged (by the queue or its dead-letter queue); an estimate. */
  backlog: number;
  /** Messages parked in the dead letters (all time, until an admin retries them). */
  deadLetters: number;
}

export interface MetricsReport {
  source: "local-twin" | "analytics-engine";
  note: string | null;
  window: MetricWindow;
  since: string;
  requests: number;
  errors: number;
  /** Requests answered 5xx over all requests, 0–1. */
  errorRate: number;
  routes: RouteFigures[];
  queues: QueueFigures[];
  /** The last 24 hours: the units counted and their dollars by component. */
  day: {
    units: UnitCounts;
    /** At list price, before the monthly allowances. */
    listUsd: Record<Component | "platform", number>;
    /** A 30-day month at this day's rate, after allowances, Workers Paid's $5 included. */
    monthAtThisRateUsd: Record<Component | "platform", number>;
  };
}

const QUEUES = ["atas-email", "atas-ai", "atas-graph", "atas-fanout"];

const PRODUCTION_NOTE =
  "Production data points go to Workers Analytics Engine (dataset atas_metrics), which a Worker cannot query without an API token: read them in the Cloudflare dashboard or with the SQL API (docs/operations.md, Metrics). Dead letters are live.";

/**
 * The admin page's figures from the metric points (the local twin of the Analytics Engine dataset):
 * requests, error rate, p50/p95 per route (nearest rank), queue traffic and dead letters, and the
 * last day's cost by component from the counted units and the price table (ops/prices.ts).
 */
export async function metricsReport({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { window: MetricWindow; now?: number };
}): Promise<MetricsReport> {
  if (me(ctx).role !== "admin") throw new Forbidden();
  const now = input.now ?? Date.now();
  const since = now - METRIC_WINDOWS[input.window];
  const routes = await ctx.db.all<{
    kind: string;
    name: string;
    method: string;
    count: number;
    errors: number;
    p50: number;
    p95: number;
  }>(sql`
    with ranked as (
      select kind, name, method, status, duration_ms,
        row_number() over (partition by kind, name, method order by duration_ms) as rn,
        count(*) over (partition by kind, name, method) as n
      from metric_points where at >= ${since}
    )
    select kind, name, method, max(n) as count,
      sum(case when status >= 500 then 1 else 0 end) as errors,
      min(case when rn * 100 >= n * 50 then duration_ms end) as p50,
      min(case when rn * 100 >= n * 95 then duration_ms end) as p95
    from ranked group by kind, name, method order by count desc, name limit 200`);
  const sent = await ctx.db.all<{ queue: string; sent: number }>(sql`
    select sends.key as queue, sum(sends.value) as sent
    from metric_points, json_each(metric_points.sends_by_queue) as sends
    where metric_points.at >= ${since} group by sends.key`);
  const batches = await ctx.db.all<{ queue: string; delivered: number; acked: number; retried: number }>(sql`
    select name as queue, sum(messages) as delivered, sum(acked) as acked, sum(retried) as retried
    from metric_points where kind = 'batch' and at >= ${since} group by name`);
  const dead = await ctx.db.all<{ queue: string; count: number }>(
    sql`select queue, count(*) as count from dead_letters group by queue`,
  );
  const [units] = await ctx.db.all<Record<string, number | null>>(sql`
    select count(*) as requests, sum(d1_rows_read) as d1RowsRead, sum(d1_rows_written) as d1RowsWritten,
      sum(do_requests) as doRequests, sum(queue_sends) as queueSends, sum(r2_class_a) as r2ClassA,
      sum(r2_class_b) as r2ClassB, sum(store_commands) as storeCommands,
      sum(ai_prompt_tokens) as aiPromptTokens, sum(ai_completion_tokens) as aiCompletionTokens
    from metric_points where at >= ${now - DAY_MS}`);

  const requests = routes.filter((r) => r.kind === "request");
  const requestCount = requests.reduce((sum, r) => sum + r.count, 0);
  const errorCount = requests.reduce((sum, r) => sum + r.errors, 0);
  const batchOf = (queue: string) => batches.find((b) => b.queue === queue);
  const queues = QUEUES.map((queue) => {
    const own = batchOf(queue);
    const sentHere = sent.find((s) => s.queue === queue)?.sent ?? 0;
    const acked = (own?.acked ?? 0) + (batchOf(`${queue}-dlq`)?.acked ?? 0);
    return {
      queue,
      sent: sentHere,
      delivered: own?.delivered ?? 0,
      acked: own?.acked ?? 0,
      retried: own?.retried ?? 0,
      backlog: Math.max(0, sentHere - acked),
      deadLetters: dead.filter((d) => d.queue.startsWith(queue)).reduce((sum, d) => sum + d.count, 0),
    };
  });
  const day = dayCost(units ?? {});
  return {
    source: ctx.env.APP_ENV === "production" ? "analytics-engine" : "local-twin",
    note: ctx.env.APP_ENV === "production" ? PRODUCTION_NOTE : null,
    window: input.window,
    since: new Date(since).toISOString(),
    requests: requestCount,
    errors: errorCount,
    errorRate: requestCount === 0 ? 0 : errorCount / requestCount,
    routes: routes.map((r) => ({
      kind: r.kind,
      name: r.name,
      method: r.method,
      count: r.count,
      errors: r.errors,
      p50Ms: r.p50,
      p95Ms: r.p95,
    })),
    queues,
    day,
  };
}

/**
 * A day's units in dollars. Queue operations are three a message sent (write, read, delete), as
 * the cost model counts them; CPU time is not measurable inside the Worker and is left at 0 here.
 */
export function dayCost(sums: Record<string, number | null>): MetricsReport["day"] {
  const units = emptyUnits();
  const n = (key: string) => Number(sums[key] ?? 0);
  units.requests = n("requests");
  units.d1RowsRead = n("d1RowsRead");
  units.d1RowsWritten = n("d1RowsWritten");
  units.doRequests = n("doRequests");
  units.queueOps = n("queueSends") * 3;
  units.r2ClassA = n("r2ClassA");
  units.r2ClassB = n("r2ClassB");
  units.storeCommands = n("storeCommands");
  units.aiPromptTokens = n("aiPromptTokens");
  units.aiCompletionTokens = n("aiCompletionTokens");
  const listUsd = { workers: 0, d1: 0, durableObjects: 0, queues: 0, r2: 0, store: 0, ai: 0, platform: 0 };
  for (const meter of METERS) {
    if (meter.unit === "storage") continue;
    listUsd[meter.component] += (units[meter.unit] / meter.per) * meter.price;
  }
  listUsd.platform = PLATFORM_COMPONENTS.reduce((sum, c) => sum + listUsd[c], 0);
  const bill = monthlyBill(monthOf(units, 1));
  return { units, listUsd, monthAtThisRateUsd: { ...bill.byComponent, platform: bill.platform } };
}
