/** Route guards over the user that `loadSession` (identity/) attached to the request. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import type { Role } from "../identity/schema";
import { Forbidden, Unauthorized } from "./errors";

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
