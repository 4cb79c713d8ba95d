import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env";
import { routeTemplate } from "../telemetry/log-line";
import { currentUsage } from "../telemetry/usage";

/**
 * The route a request matched, as a template (`/api/notes/{id}`), never the path itself: the last
 * matched route that is not a middleware (`app.use` registers those as method "ALL").
 */
export function apiRoute(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i -= 1) {
    const route = routes[i];
    if (route && route.method !== "ALL") return routeTemplate(route.path);
  }
  return "unmatched";
}

/**
 * Tells the request's usage meter (telemetry/usage.ts) which route served it and who asked; a page's
 * API calls made while rendering keep the page's own route (the web handler sets it afterwards).
 */
export const usageRoute = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const usage = currentUsage();
  if (!usage) return;
  usage.route ??= apiRoute(c);
  usage.actorId ??= c.get("user")?.id;
});
