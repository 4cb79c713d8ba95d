import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import type { AppEnv } from "../env";
import { timed } from "../telemetry/usage";
import { readSessionToken } from "./cookie";
import { resolveSession } from "./services/sessions";

/** Attaches the signed-in user (or null) to the request. */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  c.set("user", null);
  c.set("session", null);
  const token = readSessionToken(c);
  if (token) {
    const found = await timed("session", () => resolveSession(createDb(c.env.DB), token), true);
    if (found) {
      c.set("user", found.user);
      c.set("session", found.session);
    }
  }
  await next();
});
