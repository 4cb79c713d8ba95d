import { createApp } from "./app";
import type { Env } from "./env";
import { withPageSessions } from "./identity";
import { withErrorReporting } from "./ops/sentry";
import { consumeQueue } from "./queues";
import { FEEDS_CRON, runFeedsCron, runHourlyCron } from "./schedule";
import { appOriginProblem } from "./shared/context";
import { openSession, sessionStart, withBookmark } from "./shared/d1-session";
import { problemResponse, ServiceUnavailable } from "./shared/errors";
import { actorHash, errorLine, type Invocation, usageLine } from "./telemetry/log-line";
import { metricsFor, trimMetricPoints } from "./telemetry/metrics";
import { meteredBatch, meterScope, timed, Usage } from "./telemetry/usage";
import { adaptersFor, meteredEnv } from "./wiring";

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

/**
 * A request's meter: exact D1 rows (a second run of each `raw()` statement) only when asked, and
 * never in production; `x-atas-measure` is the benchmarks' per-request switch (dev/d1-meter.ts;
 * `timing` answers with a `server-timing` header of where the request's time went).
 */
function usageFor(env: Env, requestId: string, measure?: string | null): Usage {
  const local = env.APP_ENV !== "production";
  const measuring = local && (measure === "d1" || measure === "d1+sql");
  return new Usage({
    requestId,
    exactRows: measuring || (local && env.USAGE_D1_EXACT === "true"),
    captureStatements: local && measure === "d1+sql",
    timing: local && measure === "timing",
  });
}

/** The measurement mode's breakdown (`x-atas-measure: timing`) on the response (a socket's 101 stays as it is). */
function withServerTiming(response: Response, header: string): Response {
  if (response.webSocket) return response;
  const timed = new Response(response.body, response);
  timed.headers.set("server-timing", header);
  return timed;
}

/** Background work (ctx.waitUntil) is part of what a request costs: the line waits for it. */
function trackWaitUntil(ctx: ExecutionContext) {
  const pending: Promise<unknown>[] = [];
  const tracked = new Proxy(ctx, {
    get(target, property) {
      if (property === "waitUntil")
        return (promise: Promise<unknown>) => {
          pending.push(promise);
          target.waitUntil(promise);
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const settled = async () => {
    // Work in the background may itself start more.
    for (let seen = 0; seen < pending.length; ) {
      const batch = pending.slice(seen);
      seen = pending.length;
      await Promise.allSettled(batch);
    }
  };
  return { ctx: tracked, settled };
}

/** Writes the usage line and the metric point of one request, batch or cron run. */
async function report(
  env: Env,
  usage: Usage,
  invocation: Invocation,
  name: string,
  startedAt: number,
  durationMs: number,
) {
  const actor = await actorHash(usage.actorId, env);
  const line = usageLine(invocation, usage, usage.requestId, durationMs, actor);
  // The point first: once a line is printed, its point is stored (what tests and the admin page wait for).
  try {
    await metricsFor(env)?.record({
      at: startedAt,
      kind: invocation.kind,
      name,
      method: invocation.kind === "request" ? invocation.method : "",
      status: invocation.kind === "request" ? invocation.status : usage.failed ? 500 : 200,
      durationMs: line.durationMs,
      messages: invocation.kind === "batch" ? invocation.messages : 0,
      usage,
    });
  } catch (error) {
    console.error(JSON.stringify(errorLine(usage.requestId, "metrics", error)));
  }
  console.log(JSON.stringify(line));
}

/** Builds the worker's handlers; the web handler is optional so tests can run the API alone. */
export function createWorker(web?: WebHandler): Worker {
  const app = createApp();
  const serve = (request: Request, env: Env, ctx: ExecutionContext, requestId: string): Promise<Response> => {
    const url = new URL(request.url);
    // Production without a trustworthy APP_ORIGIN would build CSRF checks and mail links from the Host header.
    const misconfigured = appOriginProblem(env);
    if (misconfigured) {
      console.error(misconfigured);
      return Promise.resolve(
        problemResponse(new ServiceUnavailable(misconfigured, 300), requestId, url.pathname),
      );
    }
    if (!web || isApiPath(url.pathname))
      return timed("api", () => Promise.resolve(app.fetch(request, env, ctx)));
    return timed("page", () =>
      withPageSessions(() =>
        web(request, env, ctx, (inner) => timed("api", () => Promise.resolve(app.fetch(inner, env, ctx)))),
      ),
    );
  };
  return withErrorReporting({
    async fetch(request, env, ctx) {
      const startedAt = Date.now();
      const started = performance.now();
      const requestId = request.headers.get("cf-ray") ?? crypto.randomUUID();
      const usage = usageFor(env, requestId, request.headers.get("x-atas-measure"));
      const background = trackWaitUntil(ctx);
      const finish = (status: number) => {
        const durationMs = performance.now() - started;
        const invocation: Invocation = { kind: "request", method: request.method, status };
        ctx.waitUntil(
          background
            .settled()
            .then(() => report(env, usage, invocation, usage.route ?? "unmatched", startedAt, durationMs)),
        );
      };
      try {
        // One D1 session for the request, its pages' API calls included (shared/d1-session.ts).
        const session = openSession(env.DB, sessionStart(request));
        const response = await meterScope(usage, () =>
          serve(request, meteredEnv({ ...env, DB: session.database }, usage), background.ctx, requestId),
        );
        const answered = withBookmark(request, response, session);
        finish(answered.status);
        return usage.timings
          ? withServerTiming(answered, usage.timings.header(performance.now() - started))
          : answered;
      } catch (error) {
        console.error(JSON.stringify(errorLine(requestId, usage.route ?? "unmatched", error)));
        finish(500);
        throw error;
      }
    },
    async queue(batch, env) {
      const started = performance.now();
      const usage = usageFor(env, crypto.randomUUID());
      try {
        await meterScope(usage, () => consumeQueue(meteredBatch(batch, usage), meteredEnv(env, usage)));
      } catch (error) {
        usage.failed = true;
        console.error(JSON.stringify(errorLine(usage.requestId, batch.queue, error)));
        throw error;
      } finally {
        const invocation: Invocation = { kind: "batch", queue: batch.queue, messages: batch.messages.length };
        await report(env, usage, invocation, batch.queue, Date.now(), performance.now() - started);
      }
    },
    async scheduled(controller, env) {
      const started = performance.now();
      const usage = usageFor(env, crypto.randomUUID());
      try {
        await meterScope(usage, async () => {
          const metered = meteredEnv(env, usage);
          const adapters = adaptersFor(metered);
          if (controller.cron === FEEDS_CRON) await runFeedsCron(controller, metered, adapters);
          else await runHourlyCron(controller, metered, adapters);
        });
        // The local metrics twin keeps two days; its own upkeep is not billed to the run.
        if (controller.cron !== FEEDS_CRON && env.APP_ENV !== "production") await trimMetricPoints(env.DB);
      } catch (error) {
        usage.failed = true;
        console.error(JSON.stringify(errorLine(usage.requestId, controller.cron, error)));
        throw error;
      } finally {
        const invocation: Invocation = { kind: "cron", cron: controller.cron };
        await report(env, usage, invocation, controller.cron, Date.now(), performance.now() - started);
      }
    },
  });
}
