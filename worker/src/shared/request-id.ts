import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/** Every response names its request, so a user's report can be matched to the logs. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const id = c.req.header("cf-ray") ?? crypto.randomUUID();
  c.set("requestId", id);
  await next();
  // A 101 upgrade response carries immutable headers.
  if (c.res.status !== 101) c.res.headers.set("x-request-id", id);
});
