import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { jsonResponse, problems, type Router } from "../../shared/openapi";
import { EXPERT_VERIFICATION } from "../schema";
import { decideExpert, pendingExperts } from "../services/expert-vetting";

const PendingExpertSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    email: z.string(),
    emailVerified: z.boolean(),
    headline: z.string(),
    company: z.string(),
    industry: z.string(),
    joinedAt: z.string(),
  })
  .openapi("PendingExpert");

const routes = {
  pending: createRoute({
    method: "get",
    path: "/api/admin/experts/pending",
    tags: ["admin"],
    summary: "The expert vetting queue: unverified experts, the longest waiting first",
    middleware: [requireRole("admin")] as const,
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }) },
    responses: {
      200: jsonResponse(z.object({ experts: z.array(PendingExpertSchema) }), "Queue"),
      400: problems[400],
      401: problems[401],
      403: problems[403],
    },
  }),
  decide: createRoute({
    method: "post",
    path: "/api/admin/experts/{id}/{decision}",
    tags: ["admin"],
    summary: "Approve (verify) or reject an expert",
    middleware: [requireRole("admin")] as const,
    request: { params: z.object({ id: z.string().uuid(), decision: z.enum(["verify", "reject"]) }) },
    responses: {
      200: jsonResponse(
        z.object({ id: z.string(), verification: z.enum(EXPERT_VERIFICATION) }),
        "The expert's vetting now",
      ),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
};

export function mountExpertVetting(app: Router) {
  app.openapi(routes.pending, async (c) => {
    c.header("cache-control", "private, no-store");
    return c.json(await pendingExperts({ ctx: actionContext(c), input: c.req.valid("query") }), 200);
  });
  app.openapi(routes.decide, async (c) => {
    const { id, decision } = c.req.valid("param");
    return c.json(await decideExpert({ ctx: actionContext(c), input: { expertId: id, decision } }), 200);
  });
}
