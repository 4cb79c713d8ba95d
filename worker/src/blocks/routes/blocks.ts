import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { guardedProblems, jsonResponse, type Router } from "../../shared/openapi";
import { blockState, blockUser, unblockUser } from "../services/blocks";

const UserParam = z.object({ userId: z.string().uuid() });

const routes = {
  block: createRoute({
    method: "put",
    path: "/api/blocks/{userId}",
    tags: ["network"],
    summary: "Block someone: each disappears from the other's network, and any connection ends",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: { 204: { description: "Blocked" }, ...guardedProblems },
  }),
  blockState: createRoute({
    method: "get",
    path: "/api/blocks/{userId}",
    tags: ["network"],
    summary: "Whether you blocked someone",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: { 200: jsonResponse(z.object({ blocked: z.boolean() }), "Block state"), ...guardedProblems },
  }),
  unblock: createRoute({
    method: "delete",
    path: "/api/blocks/{userId}",
    tags: ["network"],
    summary: "Unblock",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: { 204: { description: "Unblocked" }, ...guardedProblems },
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
