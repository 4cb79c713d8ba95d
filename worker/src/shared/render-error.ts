import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { StoreUnavailable } from "../adapters/store/interface";
import type { AppEnv } from "../env";
import { errorLine } from "../telemetry/log-line";
import { ProblemError, problemResponse, ServiceUnavailable } from "./errors";
import { apiRoute } from "./usage-route";

/** The one place errors become responses. Unknown errors are logged and answered without detail. */
export function renderError(error: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId") ?? crypto.randomUUID();
  const instance = c.req.path;
  if (error instanceof ProblemError) return problemResponse(error, requestId, instance);
  if (error instanceof StoreUnavailable) {
    return problemResponse(
      new ServiceUnavailable("A dependency is unreachable; try again shortly."),
      requestId,
      instance,
    );
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const title = status === 400 ? "Bad request" : "Request refused";
    return problemResponse(new ProblemError(status, title, error.message || title), requestId, instance);
  }
  // One structured line, before the request's usage line: the message and stack, never the request's data.
  console.error(JSON.stringify(errorLine(requestId, apiRoute(c), error)));
  return problemResponse(
    new ProblemError(500, "Internal error", "Something went wrong on our side."),
    requestId,
    instance,
  );
}
