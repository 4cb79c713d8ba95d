import type { Usage, UsageCounts } from "./usage";

/**
 * The one structured line each request, queue batch and cron run ends with (a contract: `npm run
 * cost` picks these lines out of `wrangler dev`'s output by `"atas":"usage"`). Nothing personal goes
 * in: the route is the template, never the path; the actor is a keyed hash. A batch line names its
 * queue in `queueName`, since `queue` holds the batch's own sends like every line's.
 */
export type UsageLine = {
  atas: "usage";
  requestId: string;
  durationMs: number;
  actor: string | null;
} & UsageCounts &
  (
    | { kind: "request"; method: string; route: string; status: number }
    | { kind: "batch"; queueName: string; messages: number }
    | { kind: "cron"; cron: string }
  );

export type Invocation =
  | { kind: "request"; method: string; status: number }
  | { kind: "batch"; queue: string; messages: number }
  | { kind: "cron"; cron: string };

export function usageLine(
  invocation: Invocation,
  usage: Usage,
  requestId: string,
  durationMs: number,
  actor: string | null,
): UsageLine {
  const head = { atas: "usage" as const, requestId };
  const tail = { durationMs: Math.round(durationMs * 10) / 10, actor, ...usage.counts };
  if (invocation.kind === "request")
    return {
      ...head,
      kind: "request",
      method: invocation.method,
      route: usage.route ?? "unmatched",
      status: invocation.status,
      ...tail,
    };
  if (invocation.kind === "batch")
    return { ...head, kind: "batch", queueName: invocation.queue, messages: invocation.messages, ...tail };
  return { ...head, ...invocation, ...tail };
}

/** An error line, before the usage line: the message and stack, never the request's data. */
export function errorLine(requestId: string, route: string, error: unknown) {
  const failure = error instanceof Error ? error : new Error(String(error));
  return {
    atas: "error" as const,
    requestId,
    route,
    message: failure.message,
    stack: failure.stack ?? null,
  };
}

/** Hono's `/api/notes/:id` (or `:id{[0-9]+}`) as the OpenAPI document writes it: `/api/notes/{id}`. */
export function routeTemplate(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?\??/g, "{$1}");
}

/** Used when LOG_ACTOR_KEY is not set outside production; production without the key logs no actor. */
const DEV_ACTOR_KEY = "atas-dev-actor-key";
const keys = new Map<string, Promise<CryptoKey>>();
const hashes = new Map<string, string>();
const MAX_KEPT_HASHES = 10_000;

/**
 * The actor as 16 hex characters of HMAC-SHA256(LOG_ACTOR_KEY, user id): stable while the key is,
 * so one user's requests can be followed through the logs, and not reversible without the key.
 */
export async function actorHash(
  userId: string | undefined,
  env: { LOG_ACTOR_KEY?: string; APP_ENV: string },
): Promise<string | null> {
  if (!userId) return null;
  const secret = env.LOG_ACTOR_KEY ?? (env.APP_ENV === "production" ? undefined : DEV_ACTOR_KEY);
  if (!secret) return null;
  const known = hashes.get(`${secret}\u0000${userId}`);
  if (known) return known;
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    keys.set(secret, key);
  }
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await key, new TextEncoder().encode(userId)));
  const hash = Array.from(mac.subarray(0, 8), (byte) => byte.toString(16).padStart(2, "0")).join("");
  // The same people make most requests: their hashes are kept per isolate (bounded, then started afresh).
  if (hashes.size >= MAX_KEPT_HASHES) hashes.clear();
  hashes.set(`${secret}\u0000${userId}`, hash);
  return hash;
}
