import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { jsonResponse, problems, type Router } from "../../../shared/openapi";
import { timed } from "../../../telemetry/usage";
import { NoteSchema } from "../../notes/routes/notes";
import { discoverFeed, markNotInterested } from "../services/discover-feed";

const routes = {
  discover: createRoute({
    method: "get",
    path: "/api/feed/discover",
    tags: ["link"],
    summary:
      "The discovery feed: notes ranked by engagement with time decay, campus, followed topics and your past likes, one author at most once in six, with slots for new notes. Signed out: the public ranking",
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(50).default(20),
        // The cursor carries the notes already served on this visit (see services/discover-feed.ts).
        cursor: z.string().max(4096).optional(),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({ notes: z.array(NoteSchema), nextCursor: z.string().nullable() }),
        "A page of the feed",
      ),
      400: problems[400],
    },
  }),
  notInterested: createRoute({
    method: "post",
    path: "/api/notes/{id}/not-interested",
    tags: ["link"],
    summary:
      "Not interested: the note leaves your discovery feed for good, and its author and topics weigh less for you",
    middleware: [requireUser] as const,
    request: { params: z.object({ id: z.string().uuid() }) },
    responses: {
      204: { description: "Noted" },
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
};

export function mountDiscover(app: Router) {
  app.openapi(routes.discover, async (c) => {
    const page = await discoverFeed({ ctx: actionContext(c), input: c.req.valid("query") });
    c.header("cache-control", "private, no-store");
    return timed("json", () => c.json(page, 200));
  });
  app.openapi(routes.notInterested, async (c) => {
    await markNotInterested({ ctx: actionContext(c), input: { noteId: c.req.valid("param").id } });
    return c.body(null, 204);
  });
}
