import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { jsonBody, jsonResponse, problems, type Router } from "../../../shared/openapi";
import {
  COMMENT_MAX,
  createComment,
  deleteComment,
  likeComment,
  listComments,
  unlikeComment,
} from "../services/comments";
import { guarded, IdParam, Liked, Page } from "./schemas";

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

/** Comment threads on notes, and likes on comments. */
export function mountComments(app: Router) {
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
