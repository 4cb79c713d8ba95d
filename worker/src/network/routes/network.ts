import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../../identity/schema";
import { requireRole, requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { guardedProblems, jsonBody, jsonResponse, problems, type Router } from "../../shared/openapi";
import { resyncGraph } from "../services/graph-sync";
import { networkExperts, peopleYouMayKnow } from "../services/network-experts";
import {
  answerRequest,
  listConnections,
  listRequests,
  removeConnection,
  requestConnection,
} from "../services/requests";

const UserParam = z.object({ userId: z.string().uuid() });
const IdParam = z.object({ id: z.string().uuid() });
const Limit = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
const Via = z.array(z.object({ userId: z.string(), displayName: z.string() }));

const NetworkExpert = z
  .object({
    id: z.string(),
    displayName: z.string(),
    headline: z.string(),
    company: z.string(),
    industry: z.string(),
    acceptingInvitations: z.boolean(),
    mutuals: z.number(),
    via: Via,
    reasons: z.array(
      z.object({ kind: z.enum(["mutuals", "campus", "topic", "industry", "responsive"]), value: z.string() }),
    ),
    score: z.number(),
  })
  .openapi("NetworkExpert");

const RequestRow = z.object({
  id: z.string(),
  userId: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  message: z.string().nullable(),
  createdAt: z.string(),
});

const routes = {
  experts: createRoute({
    method: "get",
    path: "/api/network/experts",
    tags: ["network"],
    summary:
      "Experts in your second-degree network, ranked, each with the mutual connections it came through",
    middleware: [requireUser] as const,
    request: { query: Limit },
    responses: {
      200: jsonResponse(z.object({ experts: z.array(NetworkExpert) }), "Experts"),
      400: problems[400],
      401: problems[401],
    },
  }),
  people: createRoute({
    method: "get",
    path: "/api/network/people",
    tags: ["network"],
    summary: "People you may know: two hops away, by mutual connections",
    middleware: [requireUser] as const,
    request: { query: Limit },
    responses: {
      200: jsonResponse(
        z.object({
          people: z.array(
            z.object({
              id: z.string(),
              displayName: z.string(),
              role: z.enum(ROLES),
              campusId: z.string().nullable(),
              mutuals: z.number(),
              via: Via,
            }),
          ),
        }),
        "People",
      ),
      400: problems[400],
      401: problems[401],
    },
  }),
  connections: createRoute({
    method: "get",
    path: "/api/connections",
    tags: ["network"],
    summary: "Your connections",
    middleware: [requireUser] as const,
    responses: {
      200: jsonResponse(
        z.object({
          connections: z.array(
            z.object({
              userId: z.string(),
              displayName: z.string(),
              role: z.enum(ROLES),
              source: z.string(),
            }),
          ),
        }),
        "Connections",
      ),
      401: problems[401],
    },
  }),
  remove: createRoute({
    method: "delete",
    path: "/api/connections/{userId}",
    tags: ["network"],
    summary: "Remove a connection",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: { 204: { description: "Removed" }, ...guardedProblems },
  }),
  requests: createRoute({
    method: "get",
    path: "/api/connections/requests",
    tags: ["network"],
    summary: "Open connection requests, to you and from you",
    middleware: [requireUser] as const,
    responses: {
      200: jsonResponse(
        z.object({ incoming: z.array(RequestRow), outgoing: z.array(RequestRow) }),
        "Requests",
      ),
      401: problems[401],
    },
  }),
  ask: createRoute({
    method: "post",
    path: "/api/connections/requests",
    tags: ["network"],
    summary: "Ask to connect (asking someone who asked you accepts their request)",
    middleware: [requireUser] as const,
    request: {
      body: jsonBody(z.object({ toUserId: z.string().uuid(), message: z.string().max(500).optional() })),
    },
    responses: {
      201: jsonResponse(z.object({ id: z.string(), status: z.enum(["pending", "accepted"]) }), "Asked"),
      ...guardedProblems,
      429: problems[429],
    },
  }),
  answer: createRoute({
    method: "post",
    path: "/api/connections/requests/{id}/{answer}",
    tags: ["network"],
    summary: "Accept or decline a request (recipient), or withdraw it (sender)",
    middleware: [requireUser] as const,
    request: { params: IdParam.extend({ answer: z.enum(["accept", "decline", "withdraw"]) }) },
    responses: { 204: { description: "Answered" }, ...guardedProblems },
  }),
  resync: createRoute({
    method: "post",
    path: "/api/admin/graph/resync",
    tags: ["admin"],
    summary: "Copy the whole graph from D1 to the graph mirror (Neo4j), replacing what it holds",
    middleware: [requireRole("admin")] as const,
    responses: {
      200: jsonResponse(
        z.object({ users: z.number(), edges: z.number(), blocks: z.number() }),
        "Resynchronised",
      ),
      401: problems[401],
      403: problems[403],
      409: problems[409],
    },
  }),
};

export function mountNetwork(app: Router) {
  app.openapi(routes.experts, async (c) => {
    const { experts, cache } = await networkExperts({ ctx: actionContext(c), input: c.req.valid("query") });
    if (cache !== "none") c.header("x-cache", cache);
    return c.json({ experts }, 200);
  });
  app.openapi(routes.people, async (c) =>
    c.json(await peopleYouMayKnow({ ctx: actionContext(c), input: c.req.valid("query") }), 200),
  );
  app.openapi(routes.connections, async (c) =>
    c.json({ connections: await listConnections({ ctx: actionContext(c) }) }, 200),
  );
  app.openapi(routes.remove, async (c) => {
    await removeConnection({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(null, 204);
  });
  app.openapi(routes.requests, async (c) => c.json(await listRequests({ ctx: actionContext(c) }), 200));
  app.openapi(routes.ask, async (c) =>
    c.json(await requestConnection({ ctx: actionContext(c), input: c.req.valid("json") }), 201),
  );
  app.openapi(routes.answer, async (c) => {
    await answerRequest({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(null, 204);
  });
  app.openapi(routes.resync, async (c) => c.json(await resyncGraph({ ctx: actionContext(c) }), 200));
}
