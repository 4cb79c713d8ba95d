import { createRoute, z } from "@hono/zod-openapi";
import { ROLES } from "../../../identity/schema";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { jsonBody, jsonResponse, problems, type Router } from "../../../shared/openapi";
import { NoteSchema } from "../../notes/routes/notes";
import { BOARD_VISIBILITIES } from "../schema";
import { collectNote, createBoard, getBoard, listBoards, uncollectNote } from "../services/boards";
import {
  COMMENT_MAX,
  createComment,
  deleteComment,
  likeComment,
  listComments,
  unlikeComment,
} from "../services/comments";
import {
  followSummary,
  followTopic,
  followUser,
  listFollows,
  listTopicFollows,
  unfollowTopic,
  unfollowUser,
} from "../services/follows";
import { likeNote, unlikeNote } from "../services/likes";

const UserParam = z.object({ userId: z.string().uuid() });
const IdParam = z.object({ id: z.string().uuid() });
const TopicParam = z.object({ topic: z.string().min(1).max(60) });
const Page = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
const guarded = {
  400: problems[400],
  401: problems[401],
  403: problems[403],
  404: problems[404],
};

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
const Liked = z.object({ liked: z.boolean(), likes: z.number().int() });
const Collected = z.object({ collected: z.boolean(), collects: z.number().int() });
const BoardRow = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    name: z.string(),
    visibility: z.enum(BOARD_VISIBILITIES),
    notes: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("Board");
const CommentRow = z
  .object({
    id: z.string(),
    noteId: z.string(),
    parentId: z.string().nullable(),
    authorId: z.string(),
    authorName: z.string(),
    body: z.string(),
    createdAt: z.string(),
    likes: z.number().int(),
    liked: z.boolean(),
    replies: z.number().int(),
    hidden: z.boolean().openapi({ description: "Hidden by reports; only its author and admins see it" }),
  })
  .openapi("Comment");

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
  like: createRoute({
    method: "put",
    path: "/api/notes/{id}/like",
    tags: ["link"],
    summary: "Like a note (twice counts once)",
    middleware: [requireUser] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(Liked, "Liked"), ...guarded },
  }),
  unlike: createRoute({
    method: "delete",
    path: "/api/notes/{id}/like",
    tags: ["link"],
    summary: "Take back a like",
    middleware: [requireUser] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(Liked, "Not liked"), ...guarded },
  }),
  createBoard: createRoute({
    method: "post",
    path: "/api/boards",
    tags: ["link"],
    summary: "Create a board to collect notes into",
    middleware: [requireUser] as const,
    request: {
      body: jsonBody(
        z.object({
          name: z.string().trim().min(1).max(80),
          visibility: z.enum(BOARD_VISIBILITIES).default("public"),
        }),
      ),
    },
    responses: { 201: jsonResponse(BoardRow, "Created"), ...guarded },
  }),
  boards: createRoute({
    method: "get",
    path: "/api/users/{id}/boards",
    tags: ["link"],
    summary: "Someone's boards (private ones only for their owner)",
    middleware: [requireUser] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ boards: z.array(BoardRow) }), "Boards"), ...guarded },
  }),
  board: createRoute({
    method: "get",
    path: "/api/boards/{id}",
    tags: ["link"],
    summary:
      "A board and a page of the notes in it you may see, newest collected first; 404 for a private board not yours",
    middleware: [requireUser] as const,
    request: { params: IdParam, query: Page },
    responses: {
      200: jsonResponse(
        z.object({ board: BoardRow, notes: z.array(NoteSchema), nextCursor: z.string().nullable() }),
        "Board",
      ),
      ...guarded,
    },
  }),
  collect: createRoute({
    method: "put",
    path: "/api/boards/{id}/notes/{noteId}",
    tags: ["link"],
    summary: "Collect a note into your board",
    middleware: [requireUser] as const,
    request: { params: IdParam.extend({ noteId: z.string().uuid() }) },
    responses: { 200: jsonResponse(Collected, "Collected"), ...guarded },
  }),
  uncollect: createRoute({
    method: "delete",
    path: "/api/boards/{id}/notes/{noteId}",
    tags: ["link"],
    summary: "Remove a note from your board",
    middleware: [requireUser] as const,
    request: { params: IdParam.extend({ noteId: z.string().uuid() }) },
    responses: { 200: jsonResponse(Collected, "Removed"), ...guarded },
  }),
  comment: createRoute({
    method: "post",
    path: "/api/notes/{id}/comments",
    tags: ["link"],
    summary: "Comment, or reply with parentId (a reply to a reply joins its top-level thread)",
    middleware: [requireUser] as const,
    request: {
      params: IdParam,
      body: jsonBody(
        z.object({
          body: z
            .string()
            .min(1)
            .max(COMMENT_MAX * 2),
          parentId: z.string().uuid().optional(),
        }),
      ),
    },
    responses: {
      201: jsonResponse(z.object({ comment: CommentRow, comments: z.number().int() }), "Commented"),
      ...guarded,
      429: problems[429],
    },
  }),
  comments: createRoute({
    method: "get",
    path: "/api/notes/{id}/comments",
    tags: ["link"],
    summary: "A note's comment threads, newest or oldest first",
    middleware: [requireUser] as const,
    request: {
      params: IdParam,
      query: Page.extend({ order: z.enum(["newest", "oldest"]).default("newest") }),
    },
    responses: {
      200: jsonResponse(
        z.object({
          threads: z.array(CommentRow.extend({ replyList: z.array(CommentRow) })),
          nextCursor: z.string().nullable(),
          comments: z.number().int(),
        }),
        "Threads",
      ),
      ...guarded,
    },
  }),
  deleteComment: createRoute({
    method: "delete",
    path: "/api/comments/{id}",
    tags: ["link"],
    summary: "Delete a comment (its author, the note's author, an admin)",
    middleware: [requireUser] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(z.object({ comments: z.number().int() }), "Deleted"), ...guarded },
  }),
  likeComment: createRoute({
    method: "put",
    path: "/api/comments/{id}/like",
    tags: ["link"],
    summary: "Like a comment",
    middleware: [requireUser] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(Liked, "Liked"), ...guarded },
  }),
  unlikeComment: createRoute({
    method: "delete",
    path: "/api/comments/{id}/like",
    tags: ["link"],
    summary: "Take back a comment like",
    middleware: [requireUser] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(Liked, "Not liked"), ...guarded },
  }),
};

/** Follows, likes, boards and comments of atas-link. */
export function mountEngagement(app: Router) {
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
  app.openapi(routes.like, async (c) =>
    c.json(await likeNote({ ctx: actionContext(c), input: { noteId: c.req.valid("param").id } }), 200),
  );
  app.openapi(routes.unlike, async (c) =>
    c.json(await unlikeNote({ ctx: actionContext(c), input: { noteId: c.req.valid("param").id } }), 200),
  );
  app.openapi(routes.createBoard, async (c) =>
    c.json(await createBoard({ ctx: actionContext(c), input: c.req.valid("json") }), 201),
  );
  app.openapi(routes.boards, async (c) =>
    c.json(await listBoards({ ctx: actionContext(c), input: { userId: c.req.valid("param").id } }), 200),
  );
  app.openapi(routes.board, async (c) =>
    c.json(
      await getBoard({
        ctx: actionContext(c),
        input: { boardId: c.req.valid("param").id, ...c.req.valid("query") },
      }),
      200,
    ),
  );
  app.openapi(routes.collect, async (c) => {
    const { id, noteId } = c.req.valid("param");
    return c.json(await collectNote({ ctx: actionContext(c), input: { boardId: id, noteId } }), 200);
  });
  app.openapi(routes.uncollect, async (c) => {
    const { id, noteId } = c.req.valid("param");
    return c.json(await uncollectNote({ ctx: actionContext(c), input: { boardId: id, noteId } }), 200);
  });
  app.openapi(routes.comment, async (c) =>
    c.json(
      await createComment({
        ctx: actionContext(c),
        input: { noteId: c.req.valid("param").id, ...c.req.valid("json") },
      }),
      201,
    ),
  );
  app.openapi(routes.comments, async (c) =>
    c.json(
      await listComments({
        ctx: actionContext(c),
        input: { noteId: c.req.valid("param").id, ...c.req.valid("query") },
      }),
      200,
    ),
  );
  app.openapi(routes.deleteComment, async (c) =>
    c.json(
      await deleteComment({ ctx: actionContext(c), input: { commentId: c.req.valid("param").id } }),
      200,
    ),
  );
  app.openapi(routes.likeComment, async (c) =>
    c.json(await likeComment({ ctx: actionContext(c), input: { commentId: c.req.valid("param").id } }), 200),
  );
  app.openapi(routes.unlikeComment, async (c) =>
    c.json(
      await unlikeComment({ ctx: actionContext(c), input: { commentId: c.req.valid("param").id } }),
      200,
    ),
  );
}
