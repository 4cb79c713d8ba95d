import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { jsonResponse, problems, type Router } from "../../shared/openapi";
import { blockState, blockUser, unblockUser } from "../services/blocks";

const UserParam = z.object({ userId: z.string().uuid() });
const guarded = {
  400: problems[400],
  401: problems[401],
  403: problems[403],
  404: problems[404],
  409: problems[409],
};

const routes = {
  block: createRoute({
    method: "put",
    path: "/api/blocks/{userId}",
    tags: ["network"],
    summary: "Block someone: each disappears from the other's network, and any connection ends",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: { 204: { description: "Blocked" }, ...guarded },
  }),
  blockState: createRoute({
    method: "get",
    path: "/api/blocks/{userId}",
    tags: ["network"],
    summary: "Whether you blocked someone",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: { 200: jsonResponse(z.object({ blocked: z.boolean() }), "Block state"), ...guarded },
  }),
  unblock: createRoute({
    method: "delete",
    path: "/api/blocks/{userId}",
    tags: ["network"],
    summary: "Unblock",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: { 204: { description: "Unblocked" }, ...guarded },
  }),
};

export function mountBlocks(app: Router) {
  app.openapi(routes.block, async (c) => {
    await blockUser({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(null, 204);
  });
  app.openapi(routes.blockState, async (c) =>
    c.json(await blockState({ ctx: actionContext(c), input: c.req.valid("param") }), 200),
  );
  app.openapi(routes.unblock, async (c) => {
    await unblockUser({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(null, 204);
  });
}
