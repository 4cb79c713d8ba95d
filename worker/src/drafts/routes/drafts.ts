import { createRoute, z } from "@hono/zod-openapi";
import { DRAFT_LANGUAGES, DRAFT_LENGTHS, DRAFT_TONES } from "../../adapters/drafter/interface";
import { requireRole, requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { jsonBody, jsonResponse, problems, type Router } from "../../shared/openapi";
import { DRAFT_STATUSES } from "../schema";
import { aiUsage } from "../services/ai-usage";
import { attachDraft } from "../services/attach-draft";
import { listDrafts, readDraft } from "../services/read-draft";
import { requestDraft } from "../services/request-draft";

const IdParam = z.object({ id: z.string().uuid() });

const DraftSchema = z
  .object({
    id: z.string(),
    invitationId: z.string(),
    status: z.enum(DRAFT_STATUSES),
    tone: z.enum(DRAFT_TONES),
    language: z.enum(DRAFT_LANGUAGES),
    length: z.enum(DRAFT_LENGTHS),
    text: z.string(),
    problems: z.array(z.object({ code: z.string(), message: z.string() })),
    error: z.string().nullable(),
    usage: z
      .object({ provider: z.string(), promptTokens: z.number(), completionTokens: z.number() })
      .nullable(),
    attachedAt: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi("ProposalDraft");

const DraftOptions = z.object({
  tone: z.enum(DRAFT_TONES).optional(),
  language: z.enum(DRAFT_LANGUAGES).optional(),
  length: z.enum(DRAFT_LENGTHS).optional(),
});

const request = createRoute({
  method: "post",
  path: "/api/invitations/{id}/draft",
  tags: ["drafts"],
  summary: "Queue an AI draft of the proposal (5 a minute per IP, a daily quota per account)",
  description:
    "Answers 202 at once; the text streams to the user's inbox WebSocket as `draft` frames and is saved when done. An `Idempotency-Key` header makes a retried request return the first draft.",
  // The IP limit is spent in the verb, once the caller is signed in and the request is valid.
  middleware: [requireUser] as const,
  request: {
    params: IdParam,
    headers: z.object({ "idempotency-key": z.string().min(8).max(100).optional() }),
    body: { required: false, content: { "application/json": { schema: DraftOptions } } },
  },
  responses: {
    202: jsonResponse(z.object({ draftId: z.string(), status: z.enum(DRAFT_STATUSES) }), "Queued"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
    429: problems[429],
    503: problems[503],
  },
});

const read = createRoute({
  method: "get",
  path: "/api/drafts/{id}",
  tags: ["drafts"],
  summary: "A draft's status and text (requester side only)",
  middleware: [requireUser] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(DraftSchema, "The draft"), 401: problems[401], 404: problems[404] },
});

const list = createRoute({
  method: "get",
  path: "/api/invitations/{id}/drafts",
  tags: ["drafts"],
  summary: "The invitation's recent drafts, newest first (requester side only)",
  middleware: [requireUser] as const,
  request: {
    params: IdParam,
    query: z.object({ limit: z.coerce.number().int().min(1).max(20).default(5) }),
  },
  responses: {
    200: jsonResponse(z.object({ drafts: z.array(DraftSchema) }), "Drafts"),
    400: problems[400],
    401: problems[401],
    404: problems[404],
  },
});

const attach = createRoute({
  method: "post",
  path: "/api/drafts/{id}/attach",
  tags: ["drafts"],
  summary: "Attach the (edited) text as the invitation's proposal, once it passes the checks",
  middleware: [requireUser] as const,
  request: { params: IdParam, body: jsonBody(z.object({ text: z.string().max(8000) })) },
  responses: {
    200: jsonResponse(z.object({ proposal: z.string() }), "Attached"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    404: problems[404],
    409: problems[409],
  },
});

const usage = createRoute({
  method: "get",
  path: "/api/admin/ai-usage",
  tags: ["admin"],
  summary: "AI drafts and tokens spent on one day (default today, Asia/Kuala_Lumpur)",
  middleware: [requireRole("admin")] as const,
  request: {
    query: z.object({
      day: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        day: z.string(),
        timeZone: z.string(),
        drafts: z.number(),
        failed: z.number(),
        promptTokens: z.number(),
        completionTokens: z.number(),
        byProvider: z.array(
          z.object({
            provider: z.string(),
            drafts: z.number(),
            promptTokens: z.number(),
            completionTokens: z.number(),
          }),
        ),
      }),
      "Usage",
    ),
    400: problems[400],
    401: problems[401],
    403: problems[403],
  },
});

/** Mounted before the invitations router, whose `/{id}/{action}` pattern would otherwise claim `/draft`. */
export function mountDrafts(app: Router) {
  app.openapi(request, async (c) => {
    const options = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
    const { draft } = await requestDraft({
      ctx: actionContext(c),
      input: {
        invitationId: c.req.valid("param").id,
        options,
        requestKey: c.req.valid("header")["idempotency-key"] ?? null,
      },
    });
    c.header("location", `/api/drafts/${draft.id}`);
    return c.json({ draftId: draft.id, status: draft.status }, 202);
  });
  app.openapi(read, async (c) =>
    c.json(await readDraft({ ctx: actionContext(c), input: c.req.valid("param") }), 200),
  );
  app.openapi(list, async (c) =>
    c.json(
      {
        drafts: await listDrafts({
          ctx: actionContext(c),
          input: { ...c.req.valid("param"), ...c.req.valid("query") },
        }),
      },
      200,
    ),
  );
  app.openapi(attach, async (c) =>
    c.json(
      await attachDraft({
        ctx: actionContext(c),
        input: { ...c.req.valid("param"), ...c.req.valid("json") },
      }),
      200,
    ),
  );
  app.openapi(usage, async (c) =>
    c.json(await aiUsage({ ctx: actionContext(c), input: c.req.valid("query") }), 200),
  );
}
