import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../../../identity/schema";
import { actionContext } from "../../../shared/context";
import { jsonResponse, problems, type Router } from "../../../shared/openapi";
import { NoteSchema } from "../../notes/routes/notes";
import { searchNotes, searchTopics, searchUsers } from "../services/search";

const Q = z.string().trim().min(1).max(200).openapi({
  description: "Words to search (any script; the last one may be a prefix)",
  example: "kopi bang",
});
const Highlighted = (description: string) =>
  z.string().openapi({
    description: `${description}. Plain text; each match is wrapped in U+E000 … U+E001 (never HTML)`,
  });

const routes = {
  notes: createRoute({
    method: "get",
    path: "/api/search/notes",
    tags: ["link"],
    summary: "Notes you may see that match the words, best first (a title match outranks a body match)",
    request: {
      query: z.object({
        q: Q,
        limit: z.coerce.number().int().min(1).max(50).default(20),
        cursor: z.string().max(200).optional().openapi({ description: "nextCursor from the previous page" }),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({
          results: z.array(
            z.object({
              note: NoteSchema,
              highlight: z.object({
                title: Highlighted("The title"),
                body: Highlighted("The body's best-matching passage"),
              }),
            }),
          ),
          nextCursor: z.string().nullable(),
        }),
        "Matches",
      ),
      400: problems[400],
    },
  }),
  users: createRoute({
    method: "get",
    path: "/api/search/users",
    tags: ["link"],
    summary: "People by name or bio, best first",
    request: { query: z.object({ q: Q, limit: z.coerce.number().int().min(1).max(50).default(20) }) },
    responses: {
      200: jsonResponse(
        z.object({
          results: z.array(
            z.object({
              id: z.string(),
              displayName: z.string(),
              role: z.enum(ROLES),
              campusId: z.string().nullable(),
              highlight: Highlighted("The name, or the bio's best passage when only the bio matched"),
            }),
          ),
        }),
        "Matches",
      ),
      400: problems[400],
    },
  }),
  topics: createRoute({
    method: "get",
    path: "/api/search/topics",
    tags: ["link"],
    summary: "#topics starting with q, the exact topic first, then by public notes using them",
    request: {
      query: z.object({
        q: z.string().trim().min(1).max(41).openapi({ example: "#kop" }),
        limit: z.coerce.number().int().min(1).max(50).default(10),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({ results: z.array(z.object({ topic: z.string(), notes: z.number().int() })) }),
        "Topics",
      ),
      400: problems[400],
    },
  }),
};

export function mountSearch(app: Router) {
  app.openapi(routes.notes, async (c) => {
    const page = await searchNotes({ ctx: actionContext(c), input: c.req.valid("query") });
    c.header("cache-control", "private, no-store");
    return c.json(page, 200);
  });
  app.openapi(routes.users, async (c) => {
    const found = await searchUsers({ ctx: actionContext(c), input: c.req.valid("query") });
    c.header("cache-control", "private, no-store");
    return c.json(found, 200);
  });
  app.openapi(routes.topics, async (c) => {
    const found = await searchTopics({ ctx: actionContext(c), input: c.req.valid("query") });
    return c.json(found, 200);
  });
}
