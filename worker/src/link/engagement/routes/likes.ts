import { createRoute } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { jsonResponse, type Router } from "../../../shared/openapi";
import { likeNote, unlikeNote } from "../services/likes";
import { guarded, IdParam, Liked } from "./schemas";

const routes = {
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
};

/** Likes on notes. */
export function mountLikes(app: Router) {
  app.openapi(routes.like, async (c) =>
    c.json(await likeNote({ ctx: actionContext(c), input: { noteId: c.req.valid("param").id } }), 200),
  );
  app.openapi(routes.unlike, async (c) =>
    c.json(await unlikeNote({ ctx: actionContext(c), input: { noteId: c.req.valid("param").id } }), 200),
  );
}
