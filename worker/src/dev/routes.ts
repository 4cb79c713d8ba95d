import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { actionContext } from "../shared/context";
import { csrfGuard } from "../shared/csrf";
import { NotFound } from "../shared/errors";
import type { Router } from "../shared/openapi";
import { listOutbox } from "./outbox";
import { seedDemo } from "./seed";

/** The dev outbox and the seeder exist outside production only. */
const devOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.APP_ENV === "production") throw new NotFound();
  await next();
});

export function mountDev(app: Router) {
  app.use("/dev/*", devOnly);
  // The seeder writes: it needs the same proof of a same-origin page as /api.
  app.use("/dev/*", csrfGuard);
  app.get("/dev/mail.json", async (c) => {
    c.header("cache-control", "no-store");
    return c.json(await listOutbox({ ctx: actionContext(c) }));
  });
  app.post("/dev/seed", async (c) => c.json(await seedDemo(actionContext(c))));
}
