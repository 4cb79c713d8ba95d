import type * as SentrySdk from "@sentry/cloudflare";
import type { Env } from "../env";

/**
 * Unhandled errors go to Sentry when SENTRY_DSN is set, and nowhere when it is not. Without a DSN
 * the SDK is never imported (it is bundled, but its module never runs) and each invocation pays one
 * property check. With one, `withSentry` wraps fetch, queue and scheduled: whatever they throw is
 * captured, and the request's 500 path (app.ts's onError) reports the error it answered for, tagged
 * with the request id the user sees in `x-request-id`.
 *
 * No personal data leaves: data collection is off (SDK 11's `dataCollection`, which replaced
 * `sendDefaultPii`), and `scrub` keeps of the request only its method and URL without the query
 * (no cookies, headers or body) and drops the user (and so the IP); console breadcrumbs (which
 * hold log lines) are dropped and other breadcrumbs lose their query strings.
 */

type Sdk = typeof import("./sentry-sdk");
type Handlers = Required<Pick<ExportedHandler<Env>, "fetch" | "queue" | "scheduled">>;

let sdk: Sdk | undefined;
let loading: Promise<Sdk> | undefined;

function load(): Promise<Sdk> {
  loading ??= import("./sentry-sdk").then((module) => {
    sdk = module;
    return module;
  });
  return loading;
}

const withoutQuery = (url: string) => url.split("?")[0] ?? url;

/** What Sentry may keep of an event: the error, its stack, the route's URL without query, and tags. */
export function scrub<E extends SentrySdk.Event>(event: E): E {
  if (event.request) {
    event.request = {
      ...(event.request.method ? { method: event.request.method } : {}),
      ...(event.request.url ? { url: withoutQuery(event.request.url) } : {}),
    };
  }
  delete event.user;
  if (event.breadcrumbs)
    event.breadcrumbs = event.breadcrumbs
      .filter((crumb) => crumb.category !== "console")
      .map((crumb) =>
        typeof crumb.data?.url === "string"
          ? { ...crumb, data: { ...crumb.data, url: withoutQuery(crumb.data.url) } }
          : crumb,
      );
  return event;
}

export function sentryOptions(env: Env): SentrySdk.CloudflareOptions {
  return {
    dsn: env.SENTRY_DSN,
    environment: env.APP_ENV,
    // SDK 11's replacement for `sendDefaultPii: false`: collect no user, cookie, header, query,
    // body, database, queue-message or local-variable data at all.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      queues: false,
      genAI: { inputs: false, outputs: false },
      stackFrameVariables: false,
    },
    // Errors only: no performance tracing (it would bill per span and slow every request).
    tracesSampleRate: 0,
    beforeSend: (event) => scrub(event),
    beforeBreadcrumb: (crumb) => (crumb.category === "console" ? null : crumb),
  };
}

/**
 * A cron run's failure, thrown by the entry or by work it left in waitUntil (where the SDK would
 * not see it): under Sentry the scheduled entry waits for both and throws the first failure, which
 * withSentry captures (tagged with the cron) and flushes.
 */
function awaitingScheduled(scheduled: Handlers["scheduled"]): Handlers["scheduled"] {
  return async (controller, env, ctx) => {
    const work: Promise<unknown>[] = [];
    const collecting = Object.assign(Object.create(ctx) as ExecutionContext, {
      waitUntil: (promise: Promise<unknown>) => {
        work.push(promise);
      },
    });
    const run = Promise.resolve().then(() => scheduled(controller, env, collecting));
    const failed = (await Promise.allSettled([run, ...work])).find((r) => r.status === "rejected");
    if (failed) {
      sdk?.setTag("cron", controller.cron);
      throw failed.reason;
    }
  };
}

/** Wraps the worker's entries with Sentry when SENTRY_DSN is set; passes straight through when not. */
export function withErrorReporting(handlers: Handlers): Handlers {
  let wrapped: Handlers | undefined;
  const instrumented = async () => {
    const Sentry = await load();
    wrapped ??= Sentry.withSentry(sentryOptions, {
      fetch: handlers.fetch,
      queue: handlers.queue,
      scheduled: awaitingScheduled(handlers.scheduled),
    }) as Handlers;
    return wrapped;
  };
  return {
    async fetch(request, env, ctx) {
      if (!env.SENTRY_DSN) return handlers.fetch(request, env, ctx);
      return (await instrumented()).fetch(request, env, ctx);
    },
    async queue(batch, env, ctx) {
      if (!env.SENTRY_DSN) return handlers.queue(batch, env, ctx);
      return (await instrumented()).queue(batch, env, ctx);
    },
    async scheduled(controller, env, ctx) {
      if (!env.SENTRY_DSN) return handlers.scheduled(controller, env, ctx);
      return (await instrumented()).scheduled(controller, env, ctx);
    },
  };
}

/**
 * The request's 500 path: reports the error the user got a problem for, tagged with its request id.
 * Synchronous, inside the request's Sentry scope (the SDK was loaded before the request was handled).
 */
export function reportUnhandled(env: Env, error: Error, requestId: string) {
  if (!env.SENTRY_DSN || !sdk) return;
  const Sentry = sdk;
  Sentry.withScope((scope) => {
    scope.setTag("request_id", requestId);
    Sentry.captureException(error);
  });
}

/**
 * A job that exhausted its retries and reached its dead-letter queue: one event per job, tagged with
 * the queue it came from (not its key or body, which can name people).
 */
export function reportGivenUp(env: Env, deadLetterQueue: string) {
  if (!env.SENTRY_DSN || !sdk) return;
  const Sentry = sdk;
  const queue = deadLetterQueue.replace(/-dlq$/, "");
  Sentry.withScope((scope) => {
    scope.setTag("queue", queue);
    Sentry.captureMessage(`a ${queue} job was given up after its last retry`, "error");
  });
}
