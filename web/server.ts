import * as build from "atas-web-build";
import { createRequestHandler, type ServerBuild } from "react-router";
import type { Env } from "../worker/src/env";
import { isSameOrigin } from "../worker/src/shared/csrf";
import type { ApiFetch, WebHandler } from "../worker/src/worker";

const SAFE_METHODS = new Set(["GET", "HEAD"]);
const handle = createRequestHandler(build as unknown as ServerBuild, "production");

/** What loaders and actions receive as `context`. */
export interface WebContext {
  env: Env;
  ctx: ExecutionContext;
  api: ApiFetch;
}

/**
 * Server-side rendering. Form posts to web routes are refused from foreign origins here, before
 * any action runs, since actions call the API on the user's behalf.
 */
export const webHandler: WebHandler = async (request, env, ctx, api) => {
  if (!SAFE_METHODS.has(request.method) && !isSameOrigin(env, request)) {
    return new Response("Cross-site form posts are refused.", { status: 403 });
  }
  const context: WebContext = { env, ctx, api };
  return handle(request, context as never);
};
