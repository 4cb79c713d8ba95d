import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { jsonResponse, problems, type Router } from "../../shared/openapi";
import { METRIC_WINDOWS, type MetricWindow, metricsReport } from "../services/metrics-report";

const WINDOWS = Object.keys(METRIC_WINDOWS) as [MetricWindow, ...MetricWindow[]];
const Dollars = z.record(z.string(), z.number());

const Report = z
  .object({
    source: z.enum(["local-twin", "analytics-engine"]),
    note: z.string().nullable(),
    window: z.enum(WINDOWS),
    since: z.string(),
    requests: z.number(),
    errors: z.number(),
    errorRate: z.number(),
    routes: z.array(
      z.object({
        kind: z.string(),
        name: z.string(),
        method: z.string(),
        count: z.number(),
        errors: z.number(),
        p50Ms: z.number(),
        p95Ms: z.number(),
      }),
    ),
    queues: z.array(
      z.object({
        queue: z.string(),
        sent: z.number(),
        delivered: z.number(),
        acked: z.number(),
        retried: z.number(),
        backlog: z.number(),
        deadLetters: z.number(),
      }),
    ),
    day: z.object({
      units: z.record(z.string(), z.number()),
      listUsd: Dollars,
      monthAtThisRateUsd: Dollars,
    }),
  })
  .openapi("MetricsReport");

const report = createRoute({
  method: "get",
  path: "/api/admin/metrics",
  tags: ["admin"],
  summary: "Requests, error rate, p50/p95 by route, queues, dead letters and the day's cost",
  middleware: [requireRole("admin")] as const,
  request: { query: z.object({ window: z.enum(WINDOWS).default("24h") }) },
  responses: {
    200: jsonResponse(Report, "The figures over the window"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
  },
});

export function mountMetrics(app: Router) {
  app.openapi(report, async (c) =>
    c.json(
      await metricsReport({ ctx: actionContext(c), input: { window: c.req.valid("query").window } }),
      200,
    ),
  );
}
