import { createMiddleware } from "hono/factory";
import { createDb } from "../db/client";
import type { AppEnv } from "../env";
import { readSessionToken } from "../identity/cookie";
import type { Role } from "../identity/schema";
import { resolveSession } from "../identity/services/sessions";
import { Forbidden, Unauthorized } from "./errors";

/** Attaches the signed-in user (or null) to the request. */
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  c.set("user", null);
  c.set("session", null);
  const token = readSessionToken(c);
  if (token) {
    // The measured D1 in benchmark mode (dev/d1-meter.ts), so the session lookup is counted too.
    const found = await resolveSession(createDb(c.get("d1") ?? c.env.DB), token);
    if (found) {
      c.set("user", found.user);
      c.set("session", found.session);
    }
  }
  await next();
});

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("user")) throw new Unauthorized();
  await next();
});

export function requireRole(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const user = c.get("user");
    if (!user) throw new Unauthorized();
    if (!roles.includes(user.role)) throw new Forbidden(`This needs the ${roles.join(" or ")} role.`);
    await next();
  });
}
