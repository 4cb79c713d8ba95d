import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../../../identity/schema";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { jsonResponse, problems, type Router } from "../../../shared/openapi";
import {
  followSummary,
  followTopic,
  followUser,
  listFollows,
  listTopicFollows,
  unfollowTopic,
  unfollowUser,
} from "../services/follows";
import { guarded, IdParam, Page, TopicParam, UserParam } from "./schemas";

const FollowState = z
  .object({
    following: z.boolean(),
    followedBy: z.boolean(),
    mutual: z.boolean(),
    followers: z.number().int(),
    /** How many the other person follows. */
    followingCount: z.number().int(),
  })
  .openapi("FollowState");
const Counts = z.object({ followers: z.number().int(), following: z.number().int() });
const FollowList = z.object({
  users: z.array(
    z.object({ id: z.string(), displayName: z.string(), role: z.enum(ROLES), followedAt: z.string() }),
  ),
  nextCursor: z.string().nullable(),
  counts: Counts,
});
const TopicState = z.object({ topic: z.string(), following: z.boolean() });

const routes = {
  follow: createRoute({
    method: "put",
    path: "/api/follows/{userId}",
    tags: ["link"],
    summary: "Follow someone; following back connects you",
    middleware: [requireUser] as const,
    request: {
      params: UserParam,
      query: z.object({
        fromNoteId: z.string().uuid().optional().openapi({
          description: "The note of theirs you followed them from; it counts as a follow gained by that note",
        }),
      }),
    },
    responses: { 200: jsonResponse(FollowState, "Following"), ...guarded, 429: problems[429] },
  }),
  unfollow: createRoute({
    method: "delete",
    path: "/api/follows/{userId}",
    tags: ["link"],
    summary: "Unfollow; a connection made by the mutual follow ends",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: { 200: jsonResponse(FollowState, "Not following"), ...guarded, 429: problems[429] },
  }),
  followState: createRoute({
    method: "get",
    path: "/api/follows/{userId}",
    tags: ["link"],
    summary: "Whether you follow each other, and their counts",
    middleware: [requireUser] as const,
    request: { params: UserParam },
    responses: { 200: jsonResponse(FollowState, "Follow state"), ...guarded },
  }),
  followers: createRoute({
    method: "get",
    path: "/api/users/{id}/followers",
    tags: ["link"],
    summary: "Someone's followers, newest first",
    middleware: [requireUser] as const,
    request: { params: IdParam, query: Page },
    responses: { 200: jsonResponse(FollowList, "Followers"), ...guarded },
  }),
  following: createRoute({
    method: "get",
    path: "/api/users/{id}/following",
    tags: ["link"],
    summary: "The people someone follows, newest first",
    middleware: [requireUser] as const,
    request: { params: IdParam, query: Page },
    responses: { 200: jsonResponse(FollowList, "Following"), ...guarded },
  }),
  topics: createRoute({
    method: "get",
    path: "/api/topic-follows",
    tags: ["link"],
    summary: "The topics you follow",
    middleware: [requireUser] as const,
    responses: { 200: jsonResponse(z.object({ topics: z.array(z.string()) }), "Topics"), 401: problems[401] },
  }),
  followTopic: createRoute({
    method: "put",
    path: "/api/topic-follows/{topic}",
    tags: ["link"],
    summary: "Follow a #topic",
    middleware: [requireUser] as const,
    request: { params: TopicParam },
    responses: { 200: jsonResponse(TopicState, "Following"), ...guarded },
  }),
  unfollowTopic: createRoute({
    method: "delete",
    path: "/api/topic-follows/{topic}",
    tags: ["link"],
    summary: "Unfollow a #topic",
    middleware: [requireUser] as const,
    request: { params: TopicParam },
    responses: { 200: jsonResponse(TopicState, "Not following"), ...guarded },
  }),
};

/** Following people and #topics. */
export function mountFollows(app: Router) {
  app.openapi(routes.follow, async (c) =>
    c.json(
      await followUser({
        ctx: actionContext(c),
        input: { ...c.req.valid("param"), ...c.req.valid("query") },
      }),
      200,
    ),
  );
  app.openapi(routes.unfollow, async (c) =>
    c.json(await unfollowUser({ ctx: actionContext(c), input: c.req.valid("param") }), 200),
  );
  app.openapi(routes.followState, async (c) =>
    c.json(await followSummary({ ctx: actionContext(c), input: c.req.valid("param") }), 200),
  );
  app.openapi(routes.followers, async (c) =>
    c.json(
      await listFollows({
        ctx: actionContext(c),
        input: { userId: c.req.valid("param").id, side: "followers", ...c.req.valid("query") },
      }),
      200,
    ),
  );
  app.openapi(routes.following, async (c) =>
    c.json(
      await listFollows({
        ctx: actionContext(c),
        input: { userId: c.req.valid("param").id, side: "following", ...c.req.valid("query") },
      }),
      200,
    ),
  );
  app.openapi(routes.topics, async (c) => c.json(await listTopicFollows({ ctx: actionContext(c) }), 200));
  app.openapi(routes.followTopic, async (c) =>
    c.json(await followTopic({ ctx: actionContext(c), input: c.req.valid("param") }), 200),
  );
  app.openapi(routes.unfollowTopic, async (c) =>
    c.json(await unfollowTopic({ ctx: actionContext(c), input: c.req.valid("param") }), 200),
  );
}
