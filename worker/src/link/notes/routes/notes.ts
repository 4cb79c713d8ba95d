import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { PayloadTooLarge } from "../../../shared/errors";
import { jsonBody, jsonResponse, problems, type Router } from "../../../shared/openapi";
import { NOTE_VISIBILITIES } from "../schema";
import {
  NOTE_DISPLAY_MAX_BYTES,
  NOTE_IMAGE_MAX_BYTES,
  NOTE_IMAGE_VARIANTS,
  readNoteImage,
  uploadNoteImage,
} from "../services/note-images";
import { createNote, deleteNote, getNote, listUserNotes, updateNote } from "../services/notes";

/** The one API path whose body may exceed the app-wide limit; app.ts leaves it to the route's own. */
export const NOTE_IMAGE_UPLOAD_PATH = "/api/note-images";
const UPLOAD_MAX_BYTES = NOTE_IMAGE_MAX_BYTES + NOTE_DISPLAY_MAX_BYTES + 64 * 1024;

const IdParam = z.object({ id: z.string().uuid() });
const Title = z.string().trim().min(1).max(100);
const Body = z.string().max(2000);
const Visibility = z.enum(NOTE_VISIBILITIES).openapi({
  description:
    "public: anyone; campus: users of the note's campus; followers: the author's followers; private: the author",
});
const Mentions = z.array(z.string().uuid()).max(20).openapi({
  description: "Ids of mentioned users, picked by the client; the body keeps its @text as written",
});

const NoteImageSchema = z
  .object({
    id: z.string(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    displayUrl: z.string(),
    originalUrl: z.string(),
  })
  .openapi("NoteImage");

export const NoteSchema = z
  .object({
    id: z.string(),
    author: z.object({ id: z.string(), displayName: z.string() }),
    title: z.string(),
    body: z.string().openapi({ description: "Plain text as written; render as text, never as HTML" }),
    topics: z.array(z.string()).openapi({ description: "Lowercased #topics parsed from the body" }),
    mentions: z.array(z.object({ id: z.string(), displayName: z.string() })),
    visibility: Visibility,
    campusId: z.string().nullable(),
    images: z.array(NoteImageSchema),
    createdAt: z.string(),
    editedAt: z.string().nullable(),
    hidden: z.boolean().openapi({ description: "Hidden by moderation; only the author and admins see it" }),
    counts: z.object({ likes: z.number().int(), collects: z.number().int(), comments: z.number().int() }),
    viewer: z.object({ liked: z.boolean(), collected: z.boolean() }),
  })
  .openapi("Note");

const ImageFile = z
  .custom<File>((value) => value instanceof File, "must be a file")
  .openapi({ type: "string", format: "binary" });

const routes = {
  upload: createRoute({
    method: "post",
    path: NOTE_IMAGE_UPLOAD_PATH,
    tags: ["link"],
    summary:
      "Upload one note image as multipart: `original` (≤ 5 MB) and `display`, the browser's resized copy (≤ 500 KB; optional when the original is that small). PNG, JPEG, WebP or GIF, checked by magic bytes",
    middleware: [
      requireUser,
      bodyLimit({
        maxSize: UPLOAD_MAX_BYTES,
        onError: () => {
          throw new PayloadTooLarge(NOTE_IMAGE_MAX_BYTES);
        },
      }),
    ] as const,
    request: {
      body: {
        required: true,
        content: {
          "multipart/form-data": { schema: z.object({ original: ImageFile, display: ImageFile.optional() }) },
        },
      },
    },
    responses: {
      201: jsonResponse(z.object({ image: NoteImageSchema }), "Stored; attach it to a note by id"),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      413: problems[413],
      415: problems[415],
    },
  }),
  image: createRoute({
    method: "get",
    path: "/api/note-images/{id}/{variant}",
    tags: ["link"],
    summary: "The image bytes, with their sniffed type, nosniff and a long private cache",
    request: { params: IdParam.extend({ variant: z.enum(NOTE_IMAGE_VARIANTS) }) },
    responses: {
      200: {
        description: "The image",
        content: { "image/*": { schema: z.string().openapi({ format: "binary" }) } },
      },
      400: problems[400],
      404: problems[404],
    },
  }),
  create: createRoute({
    method: "post",
    path: "/api/notes",
    tags: ["link"],
    summary: "Post a note with 1–9 of your uploaded images",
    middleware: [requireUser] as const,
    request: {
      body: jsonBody(
        z
          .object({
            title: Title,
            body: Body,
            imageIds: z.array(z.string().uuid()).min(1).max(9),
            visibility: Visibility,
            mentions: Mentions.optional(),
          })
          .strict()
          .openapi("NewNote"),
      ),
    },
    responses: {
      201: jsonResponse(z.object({ note: NoteSchema }), "Posted"),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      409: problems[409],
      429: problems[429],
    },
  }),
  read: createRoute({
    method: "get",
    path: "/api/notes/{id}",
    tags: ["link"],
    summary: "A note; 404 for anyone it is hidden from",
    request: { params: IdParam },
    responses: {
      200: jsonResponse(z.object({ note: NoteSchema }), "Note"),
      400: problems[400],
      404: problems[404],
    },
  }),
  edit: createRoute({
    method: "patch",
    path: "/api/notes/{id}",
    tags: ["link"],
    summary: "Edit your note (title, body, visibility, mentions); marks it edited",
    middleware: [requireUser] as const,
    request: {
      params: IdParam,
      body: jsonBody(
        z
          .object({ title: Title, body: Body, visibility: Visibility, mentions: Mentions })
          .partial()
          .strict()
          .openapi("NotePatch"),
      ),
    },
    responses: {
      200: jsonResponse(z.object({ note: NoteSchema }), "Edited"),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  remove: createRoute({
    method: "delete",
    path: "/api/notes/{id}",
    tags: ["link"],
    summary: "Delete a note and its images for good (the author or an admin)",
    middleware: [requireUser] as const,
    request: { params: IdParam },
    responses: {
      204: { description: "Deleted" },
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
  byUser: createRoute({
    method: "get",
    path: "/api/users/{id}/notes",
    tags: ["link"],
    summary: "A user's notes that you may see, newest first",
    request: {
      params: IdParam,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(50).default(20),
        cursor: z.string().max(200).optional(),
      }),
    },
    responses: {
      200: jsonResponse(z.object({ notes: z.array(NoteSchema), nextCursor: z.string().nullable() }), "Notes"),
      400: problems[400],
      404: problems[404],
    },
  }),
};

export function mountNotes(app: Router) {
  app.openapi(routes.upload, async (c) => {
    const form = c.req.valid("form");
    const image = await uploadNoteImage({
      ctx: actionContext(c),
      input: {
        original: new Uint8Array(await form.original.arrayBuffer()),
        display: form.display ? new Uint8Array(await form.display.arrayBuffer()) : null,
      },
    });
    return c.json({ image }, 201);
  });
  app.openapi(routes.image, async (c) => {
    const { id, variant } = c.req.valid("param");
    return readNoteImage({ ctx: actionContext(c), input: { id, variant } });
  });
  app.openapi(routes.create, async (c) => {
    const note = await createNote({ ctx: actionContext(c), input: c.req.valid("json") });
    return c.json({ note }, 201);
  });
  app.openapi(routes.read, async (c) => {
    const note = await getNote({ ctx: actionContext(c), input: c.req.valid("param") });
    c.header("cache-control", "private, no-store");
    return c.json({ note }, 200);
  });
  app.openapi(routes.edit, async (c) => {
    const note = await updateNote({
      ctx: actionContext(c),
      input: { ...c.req.valid("json"), id: c.req.valid("param").id },
    });
    return c.json({ note }, 200);
  });
  app.openapi(routes.remove, async (c) => {
    await deleteNote({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(null, 204);
  });
  app.openapi(routes.byUser, async (c) => {
    const { id } = c.req.valid("param");
    const page = await listUserNotes({
      ctx: actionContext(c),
      input: { userId: id, ...c.req.valid("query") },
    });
    c.header("cache-control", "private, no-store");
    return c.json(page, 200);
  });
}
