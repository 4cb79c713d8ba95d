import { createRoute, z } from "@hono/zod-openapi";
import type { Env } from "../env";
import type { Router } from "../shared/openapi";

/**
 * `GET /api/health` for uptime checks: D1 answers a trivial query, the store (Upstash) answers a
 * PING through its adapter, and every queue binding is present. Queues cannot be probed without
 * sending a message, which a consumer would then run, so "queues" only says the bindings exist.
 *
 * It names each failing check and nothing else: no error text (it could carry a URL), no
 * configuration, no versions. No auth, no rate limiter (the limiter lives in the store it checks).
 * The store's answer is reused for a few seconds per isolate, so a flood of health checks cannot
 * turn into a flood of billed store commands.
 */

/** The queue producers the worker sends to (wrangler.toml's [[queues.producers]]). */
export const QUEUE_BINDINGS = [
  "EMAIL_QUEUE",
  "AI_QUEUE",
  "GRAPH_QUEUE",
  "FANOUT_QUEUE",
] as const satisfies (keyof Env)[];

/** Longest a check may take before it counts as failed: an uptime probe wants an answer, not a hang. */
const CHECK_DEADLINE_MS = 2500;
const STORE_CHECK_REUSE_MS = 5000;

const Timed = z.object({ ok: z.boolean(), ms: z.number().int() });
const Health = z
  .object({
    status: z.enum(["ok", "fail"]),
    checks: z.object({ d1: Timed, store: Timed, queues: z.object({ ok: z.boolean() }) }),
    /** The checks that failed; absent when all passed. */
    failed: z.array(z.enum(["d1", "store", "queues"])).optional(),
  })
  .openapi("Health");
type Health = z.infer<typeof Health>;

async function timed(work: () => Promise<unknown>): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("deadline")), CHECK_DEADLINE_MS);
  });
  try {
    await Promise.race([work(), deadline]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch {
    return { ok: false, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The last store check's result per store URL in this isolate, reused while fresh. The result, not
 * the promise: a request must not wait on I/O another request started.
 */
const storeChecks = new Map<string, { at: number; result: { ok: boolean; ms: number } }>();

async function checkStore(env: Env, ping: () => Promise<void>) {
  const last = storeChecks.get(env.UPSTASH_REDIS_REST_URL);
  if (last && Date.now() - last.at < STORE_CHECK_REUSE_MS) return last.result;
  const result = await timed(ping);
  storeChecks.set(env.UPSTASH_REDIS_REST_URL, { at: Date.now(), result });
  return result;
}

export async function checkHealth(env: Env, db: D1Database, ping: () => Promise<void>): Promise<Health> {
  const [d1, store] = await Promise.all([timed(() => db.prepare("SELECT 1").first()), checkStore(env, ping)]);
  const queues = {
    ok: QUEUE_BINDINGS.every((name) => typeof (env[name] as Queue | undefined)?.send === "function"),
  };
  const failed = (["d1", "store", "queues"] as const).filter((name) => !{ d1, store, queues }[name].ok);
  return {
    status: failed.length === 0 ? "ok" : "fail",
    checks: { d1, store, queues },
    ...(failed.length > 0 ? { failed } : {}),
  };
}

const route = createRoute({
  method: "get",
  path: "/api/health",
  tags: ["operations"],
  summary: "Health for uptime checks: D1, the store and the queue bindings",
  responses: {
    200: {
      description: "Every check passed",
      headers: z.object({ "cache-control": z.literal("no-store") }),
      content: { "application/json": { schema: Health } },
    },
    503: {
      description: "A check failed; `failed` names it",
      headers: z.object({ "cache-control": z.literal("no-store") }),
      content: { "application/json": { schema: Health } },
    },
  },
});

export function mountHealth(app: Router) {
  app.openapi(route, async (c) => {
    const store = c.get("adapters").store;
    const health = await checkHealth(c.env, c.env.DB, () => store.ping());
    c.header("cache-control", "no-store");
    return health.status === "ok" ? c.json(health, 200) : c.json(health, 503);
  });
}
