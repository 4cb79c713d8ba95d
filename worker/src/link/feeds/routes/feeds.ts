import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { jsonResponse, problems, type Router } from "../../../shared/openapi";
import { timed } from "../../../telemetry/usage";
import { NoteSchema } from "../../notes/routes/notes";
import { followingFeed } from "../services/following-feed";

const FeedPage = z.object({ notes: z.array(NoteSchema), nextCursor: z.string().nullable() });

const routes = {
  following: createRoute({
    method: "get",
    path: "/api/feed/following",
    tags: ["link"],
    summary:
      "Notes of the people you follow that you may see, newest first; pass `nextCursor` back as `cursor` for the next page",
    middleware: [requireUser] as const,
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(50).default(20),
        cursor: z.string().max(200).optional(),
      }),
    },
    responses: {
      200: jsonResponse(FeedPage.openapi("FollowingFeedPage"), "A page of the following feed"),
      400: problems[400],
      401: problems[401],
    },
  }),
};

export function mountFeeds(app: Router) {
  app.openapi(routes.following, async (c) => {
    const { notes, nextCursor } = await followingFeed({ ctx: actionContext(c), input: c.req.valid("query") });
    c.header("cache-control", "private, no-store");
    return timed("json", () => c.json({ notes, nextCursor }, 200));
  });
}
