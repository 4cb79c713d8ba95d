/** Operations: what the platform costs (prices.ts) and the admin's metrics (the figures behind /admin/metrics). */
export { mountMetrics } from "./routes/metrics";
export type { MetricsReport, MetricWindow } from "./services/metrics-report";
