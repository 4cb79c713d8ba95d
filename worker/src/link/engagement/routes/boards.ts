import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { jsonBody, jsonResponse, type Router } from "../../../shared/openapi";
import { NoteSchema } from "../../notes/routes/notes";
import { BOARD_VISIBILITIES } from "../schema";
import { collectNote, createBoard, getBoard, listBoards, uncollectNote } from "../services/boards";
import { guarded, IdParam, Page } from "./schemas";

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

const routes = {
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
};

/** Boards: the notes people collect. */
export function mountBoards(app: Router) {
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
}
