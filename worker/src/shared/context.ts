import type { Context } from "hono";
import type { Drafter } from "../adapters/drafter/interface";
import type { Mailer } from "../adapters/mailer/interface";
import type { GraphMirror, SecondDegree } from "../adapters/second-degree/interface";
import type { KeyValueStore } from "../adapters/store/interface";
import { createDb, type Db } from "../db/client";
import type { AppEnv, Env } from "../env";
import type { User } from "../identity/schema";
import { ServiceUnavailable, Unauthorized } from "./errors";
import type { SessionProof } from "./session-proof";

/**
 * The outside systems, each behind its interface, as configuration picked them. Built in one place
 * (worker/src/wiring.ts) and handed in, so nothing below chooses a vendor; a test may build a
 * context with its own (say, the in-memory store).
 */
export interface Adapters {
  store: KeyValueStore;
  mailer: Mailer;
  drafter: Drafter;
  /** Second-degree questions: Neo4j, or D1's two-hop query. */
  graph: SecondDegree;
  /** Where graph changes are copied; null when D1 itself is the graph store. */
  graphMirror: GraphMirror | null;
}

/** What a verb needs to act: who is asking, and the systems it may touch. */
export interface ActionContext {
  env: Env;
  db: Db;
  adapters: Adapters;
  actor: User | null;
  ip: string;
  origin: string;
  requestId: string;
  /** The session came from the isolate's cache: a read confirms it in its own D1 batch (session-proof.ts). */
  sessionProof?: SessionProof | null;
  /** Keeps background work alive after the response (cache fills). */
  waitUntil(promise: Promise<unknown>): void;
}

/** The signed-in user acting, or 401. */
export function me(ctx: ActionContext): User {
  if (!ctx.actor) throw new Unauthorized();
  return ctx.actor;
}

/** Jobs and cron act as nobody; their entry (worker.ts) builds the adapters and hands them in. */
export function systemContext(
  env: Env,
  adapters: Adapters,
  waitUntil: (p: Promise<unknown>) => void = () => {},
): ActionContext {
  return {
    env,
    db: createDb(env.DB),
    adapters,
    actor: null,
    ip: "system",
    // Jobs and cron write links into mail: never a guess in production (appOriginProblem stops requests).
    origin: env.APP_ORIGIN ?? (env.APP_ENV === "production" ? missingAppOrigin() : "http://127.0.0.1:8787"),
    requestId: crypto.randomUUID(),
    waitUntil,
  };
}

/** A request's context; its adapters were built once for the request by app.ts's middleware. */
export function actionContext(c: Context<AppEnv>): ActionContext {
  const adapters = c.get("adapters");
  return {
    env: c.env,
    db: createDb(c.env.DB),
    adapters,
    actor: c.get("user"),
    ip: clientIp(c.req.raw),
    origin: appOrigin(c.env, c.req.raw),
    requestId: c.get("requestId"),
    sessionProof: c.get("sessionProof"),
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  };
}

/** Cloudflare sets cf-connecting-ip at the edge and overwrites any value the client sent. */
export function clientIp(request: Request): string {
  return request.headers.get("cf-connecting-ip") ?? "127.0.0.1";
}

/**
 * The app's public origin: for the CSRF check and mail links. In production it is only ever the
 * configured APP_ORIGIN; the request's own URL comes from its Host header, which the client chooses.
 */
export function appOrigin(env: Env, request: Request): string {
  if (env.APP_ORIGIN) return env.APP_ORIGIN;
  if (env.APP_ENV === "production") return missingAppOrigin();
  return new URL(request.url).origin;
}

function missingAppOrigin(): never {
  throw new ServiceUnavailable("APP_ORIGIN is not configured.", 300);
}

/**
 * Why production cannot serve with this configuration, or null when it can: APP_ORIGIN must be set
 * to a bare https origin (as `new URL(x).origin` spells it), since CSRF checks and mail links use it.
 */
export function appOriginProblem(env: Env): string | null {
  if (env.APP_ENV !== "production") return null;
  const configured = env.APP_ORIGIN;
  if (!configured) return "APP_ORIGIN is not configured; production does not serve without it.";
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    return "APP_ORIGIN is not a URL; set it to the public origin, e.g. https://atas.example.";
  }
  if (url.protocol !== "https:" || url.origin !== configured)
    return "APP_ORIGIN must be a bare https origin (no path or trailing slash), e.g. https://atas.example.";
  return null;
}
