import type { Context } from "hono";
import type { KeyValueStore } from "../adapters/store/interface";
import { upstashStore } from "../adapters/store/upstash";
import { createDb, type Db } from "../db/client";
import type { AppEnv, Env } from "../env";
import type { User } from "../identity/schema";
import { Unauthorized } from "./errors";

/** What a verb needs to act: who is asking, and the systems it may touch. */
export interface ActionContext {
  env: Env;
  db: Db;
  store: KeyValueStore;
  actor: User | null;
  ip: string;
  origin: string;
  requestId: string;
  /** Keeps background work alive after the response (cache fills). */
  waitUntil(promise: Promise<unknown>): void;
}

/** The signed-in user acting, or 401. */
export function me(ctx: ActionContext): User {
  if (!ctx.actor) throw new Unauthorized();
  return ctx.actor;
}

export function systemContext(env: Env, waitUntil: (p: Promise<unknown>) => void = () => {}): ActionContext {
  return {
    env,
    db: createDb(env.DB),
    store: upstashStore(env),
    actor: null,
    ip: "system",
    origin: env.APP_ORIGIN ?? "http://127.0.0.1:8787",
    requestId: crypto.randomUUID(),
    waitUntil,
  };
}

export function actionContext(c: Context<AppEnv>): ActionContext {
  return {
    env: c.env,
    db: createDb(c.get("d1") ?? c.env.DB),
    store: upstashStore(c.env),
    actor: c.get("user"),
    ip: clientIp(c.req.raw),
    origin: appOrigin(c.env, c.req.raw),
    requestId: c.get("requestId"),
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  };
}

/** Cloudflare sets cf-connecting-ip at the edge and overwrites any value the client sent. */
export function clientIp(request: Request): string {
  return request.headers.get("cf-connecting-ip") ?? "127.0.0.1";
}

export function appOrigin(env: Env, request: Request): string {
  return env.APP_ORIGIN ?? new URL(request.url).origin;
}
