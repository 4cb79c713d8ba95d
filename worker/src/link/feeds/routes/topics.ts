import { createRoute, z } from "@hono/zod-openapi";
import { actionContext } from "../../../shared/context";
import { jsonResponse, problems, type Router } from "../../../shared/openapi";
import { NoteSchema } from "../../notes/routes/notes";
import { listTopicNotes } from "../services/topic-notes";
import { TRENDING_MAX, trendingTopics } from "../services/trending";

const routes = {
  trending: createRoute({
    method: "get",
    path: "/api/topics/trending",
    tags: ["link"],
    summary: "Trending #topics (public notes, 24-hour half-life), overall or on one campus",
    request: {
      query: z.object({
        campus: z
          .string()
          .regex(/^[a-z0-9-]{1,40}$/, "a campus id")
          .optional()
          .openapi({ description: "A campus id; overall when absent", example: "um" }),
        limit: z.coerce.number().int().min(1).max(TRENDING_MAX).default(10),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({
          topics: z.array(
            z.object({
              topic: z.string(),
              score: z.number().openapi({ description: "Decayed count: a new note adds 1, engagement less" }),
            }),
          ),
        }),
        "Trending topics",
      ),
      400: problems[400],
    },
  }),
  notes: createRoute({
    method: "get",
    path: "/api/topics/{topic}/notes",
    tags: ["link"],
    summary: "A topic page: its notes you may see, newest first, and whether you follow the topic",
    request: {
      params: z.object({ topic: z.string().min(1).max(60).openapi({ example: "kopi" }) }),
      query: z.object({
        limit: z.coerce.number().int().min(1).max(50).default(20),
        cursor: z.string().max(200).optional(),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({
          topic: z.string(),
          following: z.boolean(),
          notes: z.array(NoteSchema),
          nextCursor: z.string().nullable(),
        }),
        "Notes",
      ),
      400: problems[400],
    },
  }),
};

export function mountTopics(app: Router) {
  app.openapi(routes.trending, async (c) => {
    const trending = await trendingTopics({ ctx: actionContext(c), input: c.req.valid("query") });
    c.header("cache-control", "public, max-age=60");
    return c.json(trending, 200);
  });
  app.openapi(routes.notes, async (c) => {
    const page = await listTopicNotes({
      ctx: actionContext(c),
      input: { topic: c.req.valid("param").topic, ...c.req.valid("query") },
    });
    c.header("cache-control", "private, no-store");
    return c.json(page, 200);
  });
}
