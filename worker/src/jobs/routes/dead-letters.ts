import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { jsonResponse, problems, type Router } from "../../shared/openapi";
import { listDeadLetters, retryDeadLetter } from "../services/dead-letters";

const DeadLetter = z
  .object({ id: z.string(), queue: z.string(), key: z.string(), body: z.unknown(), createdAt: z.string() })
  .openapi("DeadLetter");

const list = createRoute({
  method: "get",
  path: "/api/admin/dead-letters",
  tags: ["admin"],
  summary: "Jobs that exhausted their retries",
  middleware: [requireRole("admin")] as const,
  responses: {
    200: jsonResponse(z.object({ deadLetters: z.array(DeadLetter) }), "Dead letters"),
    401: problems[401],
    403: problems[403],
  },
});

const retry = createRoute({
  method: "post",
  path: "/api/admin/dead-letters/{id}/retry",
  tags: ["admin"],
  summary: "Put a dead mail job back on its queue",
  middleware: [requireRole("admin")] as const,
  request: { params: z.object({ id: z.string().uuid() }) },
  responses: {
    202: jsonResponse(z.object({ status: z.literal("queued") }), "Queued"),
    401: problems[401],
    403: problems[403],
    404: problems[404],
  },
});

export function mountDeadLetters(app: Router) {
  app.openapi(list, async (c) =>
    c.json({ deadLetters: await listDeadLetters({ ctx: actionContext(c) }) }, 200),
  );
  app.openapi(retry, async (c) => {
    await retryDeadLetter({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.json({ status: "queued" as const }, 202);
  });
}
