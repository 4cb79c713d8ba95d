import { createApp } from "./app";
import type { Env } from "./env";
import { withErrorReporting } from "./ops/sentry";
import { consumeQueue } from "./queues";
import { FEEDS_CRON, runFeedsCron, runHourlyCron } from "./schedule";
import { appOriginProblem } from "./shared/context";
import { problemResponse, ServiceUnavailable } from "./shared/errors";
import { adaptersFor } from "./wiring";

/** The dev mailbox page and its client-side data request belong to the web app. */
const WEB_DEV_PAGES = new Set(["/dev/mail", "/dev/mail.data"]);

/** Paths the API answers; everything else is the web app. */
export function isApiPath(pathname: string): boolean {
  return (
    pathname.startsWith("/api/") ||
    pathname === "/openapi.json" ||
    (pathname.startsWith("/dev/") && !WEB_DEV_PAGES.has(pathname))
  );
}

export type WebHandler = (
  request: Request,
  env: Env,
  ctx: ExecutionContext,
  api: ApiFetch,
) => Promise<Response>;
/** In-process call into the API: no network hop between the web app and the API. */
export type ApiFetch = (request: Request) => Promise<Response>;

/** The entries this worker always serves; required, so callers (the tests) need no `!`. */
export type Worker = Required<Pick<ExportedHandler<Env>, "fetch" | "queue" | "scheduled">>;

/** Builds the worker's handlers; the web handler is optional so tests can run the API alone. */
export function createWorker(web?: WebHandler): Worker {
  const app = createApp();
  return withErrorReporting({
    async fetch(request, env, ctx) {
      const url = new URL(request.url);
      // Production without a trustworthy APP_ORIGIN would build CSRF checks and mail links from the Host header.
      const misconfigured = appOriginProblem(env);
      if (misconfigured) {
        console.error(misconfigured);
        return problemResponse(new ServiceUnavailable(misconfigured, 300), crypto.randomUUID(), url.pathname);
      }
      if (!web || isApiPath(url.pathname)) return app.fetch(request, env, ctx);
      return web(request, env, ctx, (inner) => Promise.resolve(app.fetch(inner, env, ctx)));
    },
    queue: consumeQueue,
    async scheduled(controller, env, ctx) {
      const adapters = adaptersFor(env);
      ctx.waitUntil(
        controller.cron === FEEDS_CRON
          ? runFeedsCron(controller, env, adapters)
          : runHourlyCron(controller, env, adapters),
      );
    },
  });
}
