import { createMiddleware } from "hono/factory";
import type { AppEnv, Env } from "../env";
import { appOrigin } from "./context";
import { Forbidden } from "./errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const CSRF_HEADER = "x-atas-csrf";

/**
 * A state-changing request must prove it comes from our own pages: the Origin (or, when a browser
 * omits it, Sec-Fetch-Site) must be ours, and it must carry a custom header, which a cross-site
 * form cannot send and cross-site fetch cannot send without a CORS preflight we never grant.
 */
export function isSameOrigin(env: Env, request: Request): boolean {
  const origin = request.headers.get("origin");
  // Only the configured origin: the request's own URL carries the Host header the client chose.
  if (origin) return origin === appOrigin(env, request);
  const site = request.headers.get("sec-fetch-site");
  return site === null || site === "same-origin" || site === "none";
}

export const csrfGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method)) {
    if (!isSameOrigin(c.env, c.req.raw)) throw new Forbidden("Cross-site request refused.");
    if (c.req.header(CSRF_HEADER) !== "1") throw new Forbidden(`Missing the ${CSRF_HEADER} header.`);
  }
  await next();
});
