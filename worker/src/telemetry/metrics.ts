import { lt } from "drizzle-orm";
import { createDb } from "../db/client";
import { metricPoints } from "./metrics-schema";
import type { Usage } from "./usage";

/** One request, queue batch or cron run, as the metrics store keeps it. */
export interface MetricPoint {
  at: number;
  kind: "request" | "batch" | "cron";
  /** The route template, the queue's name or the cron expression. */
  name: string;
  /** The HTTP method; "" for a batch or a cron run. */
  method: string;
  /** The HTTP status; a batch or cron run that threw is 500, else 200. */
  status: number;
  durationMs: number;
  messages: number;
  usage: Usage;
}

/** Where each request's and job's data point goes: Analytics Engine in production, D1 locally. */
export interface Metrics {
  record(point: MetricPoint): Promise<void>;
}

/** Queues whose sends are kept apart in Analytics Engine (doubles 16–19), in this order. */
export const METERED_QUEUES = ["atas-email", "atas-ai", "atas-graph", "atas-fanout"] as const;

/**
 * The Analytics Engine data point. The layout is the contract of the SQL API queries in
 * docs/operations.md ("Metrics"): index1 = name; blob1 = kind, blob2 = name, blob3 = method;
 * double1 = status, double2 = duration ms, double3 = error (status ≥ 500), double4 = messages,
 * double5 = acked, double6 = retried, double7 = D1 queries, double8 = rows read, double9 = rows
 * written, double10 = store commands, double11 = queue sends, double12 = DO requests, double13 = R2
 * class A, double14 = R2 class B, double15 = R2 bytes written, double16–19 = sends to atas-email,
 * atas-ai, atas-graph, atas-fanout, double20 = AI tokens (prompt + completion).
 */
export function dataPoint(point: MetricPoint): AnalyticsEngineDataPoint {
  const { counts, batch, sendsByQueue } = point.usage;
  return {
    // An index is at most 96 bytes.
    indexes: [point.name.slice(0, 96)],
    blobs: [point.kind, point.name, point.method],
    doubles: [
      point.status,
      point.durationMs,
      point.status >= 500 ? 1 : 0,
      point.messages,
      batch.acked,
      batch.retried,
      counts.d1.queries,
      counts.d1.rowsRead,
      counts.d1.rowsWritten,
      counts.store.commands,
      counts.queue.sends,
      counts.durableObject.requests,
      counts.r2.classA,
      counts.r2.classB,
      counts.r2.bytesWritten,
      ...METERED_QUEUES.map((queue) => sendsByQueue[queue] ?? 0),
      counts.ai.promptTokens + counts.ai.completionTokens,
    ],
  };
}

/** Production: one `writeDataPoint` per request or job (no await: the runtime sends it after the response). */
export function analyticsEngineMetrics(dataset: AnalyticsEngineDataset): Metrics {
  return {
    record: async (point) => {
      dataset.writeDataPoint(dataPoint(point));
    },
  };
}

/** How long the local twin keeps points: the admin page's longest window. */
export const TWIN_RETENTION_MS = 2 * 24 * 3_600_000;

/** Development and tests: the same points in D1's `metric_points`, read by the admin page. */
export function d1Metrics(database: D1Database): Metrics {
  const db = createDb(database);
  return {
    async record(point) {
      const { counts, batch, sendsByQueue } = point.usage;
      await db.insert(metricPoints).values({
        at: point.at,
        kind: point.kind,
        name: point.name,
        method: point.method,
        status: point.status,
        durationMs: point.durationMs,
        messages: point.messages,
        acked: batch.acked,
        retried: batch.retried,
        d1Queries: counts.d1.queries,
        d1RowsRead: counts.d1.rowsRead,
        d1RowsWritten: counts.d1.rowsWritten,
        storeCommands: counts.store.commands,
        queueSends: counts.queue.sends,
        sendsByQueue: JSON.stringify(sendsByQueue),
        doRequests: counts.durableObject.requests,
        r2ClassA: counts.r2.classA,
        r2ClassB: counts.r2.classB,
        r2BytesWritten: counts.r2.bytesWritten,
        aiPromptTokens: counts.ai.promptTokens,
        aiCompletionTokens: counts.ai.completionTokens,
      });
    },
  };
}

/** Drops twin points older than the retention (the hourly cron). */
export async function trimMetricPoints(database: D1Database, now = Date.now()): Promise<void> {
  await createDb(database)
    .delete(metricPoints)
    .where(lt(metricPoints.at, now - TWIN_RETENTION_MS));
}

/**
 * Production writes Analytics Engine (when bound); everywhere else the D1 twin, given the unmetered
 * database so a point's own write is not billed to the request it describes.
 */
export function metricsFor(env: {
  APP_ENV: string;
  METRICS?: AnalyticsEngineDataset;
  DB: D1Database;
}): Metrics | null {
  if (env.APP_ENV === "production") return env.METRICS ? analyticsEngineMetrics(env.METRICS) : null;
  return d1Metrics(env.DB);
}
