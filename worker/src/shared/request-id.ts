import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { currentUsage } from "../telemetry/usage";

/** Every response names its request, so a user's report can be matched to the logs. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  // The id the entry gave the request's usage line (worker.ts), so a report matches the logs.
  const id = currentUsage()?.requestId ?? c.req.header("cf-ray") ?? crypto.randomUUID();
  c.set("requestId", id);
  await next();
  // A 101 upgrade response carries immutable headers.
  if (c.res.status !== 101) c.res.headers.set("x-request-id", id);
});
