import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { jsonResponse, problems, type Router } from "../../../shared/openapi";
import { listMutes, muteUser, unmuteUser } from "../services/mutes";

const UserParam = z.object({ id: z.string().uuid() });

const routes = {
  mute: createRoute({
    method: "post",
    path: "/api/users/{id}/mute",
    tags: ["link"],
    summary: "Mute someone: their notes leave your feeds, search and topic pages. They are not told",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: {
      204: { description: "Muted" },
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  unmute: createRoute({
    method: "delete",
    path: "/api/users/{id}/mute",
    tags: ["link"],
    summary: "Unmute someone",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: {
      204: { description: "Not muted" },
      400: problems[400],
      401: problems[401],
      403: problems[403],
    },
  }),
  mutes: createRoute({
    method: "get",
    path: "/api/mutes",
    tags: ["link"],
    summary: "The people you muted, newest first",
    middleware: [requireUser] as const,
    responses: {
      200: jsonResponse(
        z.object({
          users: z.array(z.object({ id: z.string(), displayName: z.string(), mutedAt: z.string() })),
        }),
        "Muted people",
      ),
      401: problems[401],
    },
  }),
};

/** Mutes: a person's own filter on whom their lists show. */
export function mountMutes(app: Router) {
  app.openapi(routes.mute, async (c) => {
    await muteUser({ ctx: actionContext(c), input: { userId: c.req.valid("param").id } });
    return c.body(null, 204);
  });
  app.openapi(routes.unmute, async (c) => {
    await unmuteUser({ ctx: actionContext(c), input: { userId: c.req.valid("param").id } });
    return c.body(null, 204);
  });
  app.openapi(routes.mutes, async (c) => {
    c.header("cache-control", "private, no-store");
    return c.json(await listMutes({ ctx: actionContext(c) }), 200);
  });
}
