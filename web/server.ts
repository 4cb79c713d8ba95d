import * as build from "atas-web-build";
import { createRequestHandler, matchRoutes, type RouteObject, type ServerBuild } from "react-router";
import type { Env } from "../worker/src/env";
import { isSameOrigin } from "../worker/src/shared/csrf";
import { routeTemplate } from "../worker/src/telemetry/log-line";
import { currentUsage } from "../worker/src/telemetry/usage";
import type { ApiFetch, WebHandler } from "../worker/src/worker";
import { sharedReads } from "./shared-reads";

const SAFE_METHODS = new Set(["GET", "HEAD"]);
const handle = createRequestHandler(build as unknown as ServerBuild, "production");

/** The build's route manifest as a tree, to name the page a request is for. */
function routeTree(routes: ServerBuild["routes"], parentId?: string): RouteObject[] {
  return Object.values(routes)
    .filter((route) => route?.parentId === parentId)
    .map((route) => ({
      id: route?.id,
      path: route?.path,
      index: route?.index,
      children: routeTree(routes, route?.id),
    })) as RouteObject[];
}
const ROUTES = routeTree((build as unknown as ServerBuild).routes);

/** The page's route pattern (`/notes/{id}`), never its path; a client navigation's `.data` request is its page's. */
export function webRoute(pathname: string): string {
  const page = pathname.endsWith(".data") ? pathname.slice(0, -".data".length) || "/" : pathname;
  const matches = matchRoutes(ROUTES, page) ?? [];
  const segments = matches.map((match) => match.route.path).filter((path): path is string => Boolean(path));
  return matches.length === 0 ? "web" : routeTemplate(`/${segments.join("/")}`.replace(/\/+/g, "/"));
}

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
  // Named before the loaders' API calls, which then keep the page's name on the usage line.
  const usage = currentUsage();
  if (usage) usage.route = webRoute(new URL(request.url).pathname);
  if (!SAFE_METHODS.has(request.method) && !isSameOrigin(env, request)) {
    return new Response("Cross-site form posts are refused.", { status: 403 });
  }
  const context: WebContext = { env, ctx, api: sharedReads(api) };
  return handle(request, context as never);
};
