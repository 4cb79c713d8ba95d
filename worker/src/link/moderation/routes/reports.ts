import { createRoute, z } from "@hono/zod-openapi";
import { requireRole, requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { jsonBody, jsonResponse, problems, type Router } from "../../../shared/openapi";
import { REPORT_DECISIONS, REPORT_REASONS, REPORT_TARGETS } from "../schema";
import { decideReports, REPORT_DETAIL_MAX, reportContent, reviewQueue } from "../services/reports";

const Target = z.enum(REPORT_TARGETS);
const Reason = z.enum(REPORT_REASONS);

const ReportSchema = z
  .object({
    id: z.string(),
    target: Target,
    targetId: z.string(),
    reason: Reason,
    detail: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Report");

const ReviewItemSchema = z
  .object({
    target: Target,
    id: z.string(),
    reports: z.number().int(),
    reasons: z.array(z.object({ reason: Reason, count: z.number().int() })),
    details: z.array(z.object({ reason: Reason, detail: z.string(), at: z.string() })),
    firstReportedAt: z.string(),
    lastReportedAt: z.string(),
    preview: z
      .object({
        title: z.string().nullable(),
        text: z.string().openapi({ description: "Plain text, clipped; render as text" }),
        author: z.object({ id: z.string(), displayName: z.string() }),
        hidden: z.boolean(),
        noteId: z.string().nullable(),
        imageUrl: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: "null once the content no longer exists" }),
  })
  .openapi("ReviewItem");

const routes = {
  report: createRoute({
    method: "post",
    path: "/api/reports",
    tags: ["link"],
    summary:
      "Report a note, comment or person you can see. One open report per person and target: reporting again answers 200 with the open report. At three reporters a note or comment is hidden until an admin decides",
    middleware: [requireUser] as const,
    request: {
      body: jsonBody(
        z
          .object({
            target: Target,
            id: z.string().uuid(),
            reason: Reason,
            detail: z.string().max(REPORT_DETAIL_MAX).optional(),
          })
          .strict()
          .openapi("NewReport"),
      ),
    },
    responses: {
      201: jsonResponse(z.object({ report: ReportSchema }), "Reported"),
      200: jsonResponse(z.object({ report: ReportSchema }), "Already reported; the open report"),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
      429: problems[429],
    },
  }),
  queue: createRoute({
    method: "get",
    path: "/api/admin/reports",
    tags: ["admin"],
    summary: "The review queue: reported targets with open reports, the longest waiting first",
    middleware: [requireRole("admin")] as const,
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(50).default(20),
        cursor: z.string().max(200).optional(),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({ items: z.array(ReviewItemSchema), nextCursor: z.string().nullable() }),
        "Queue",
      ),
      400: problems[400],
      401: problems[401],
      403: problems[403],
    },
  }),
  decide: createRoute({
    method: "post",
    path: "/api/admin/reports/decision",
    tags: ["admin"],
    summary:
      "Decide on a reported target and close its open reports: restore (unhide), remove (delete), dismiss (no change). People can only be dismissed",
    middleware: [requireRole("admin")] as const,
    request: {
      body: jsonBody(
        z
          .object({ target: Target, id: z.string().uuid(), action: z.enum(REPORT_DECISIONS) })
          .strict()
          .openapi("ReportDecision"),
      ),
    },
    responses: {
      200: jsonResponse(
        z.object({ resolved: z.number().int().openapi({ description: "Reports closed" }) }),
        "Decided",
      ),
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
    },
  }),
};

/** Reports of notes, comments and people, and the admins' review of them. */
export function mountReports(app: Router) {
  app.openapi(routes.report, async (c) => {
    const { report, created } = await reportContent({ ctx: actionContext(c), input: c.req.valid("json") });
    return created ? c.json({ report }, 201) : c.json({ report }, 200);
  });
  app.openapi(routes.queue, async (c) => {
    const page = await reviewQueue({ ctx: actionContext(c), input: c.req.valid("query") });
    c.header("cache-control", "private, no-store");
    return c.json(page, 200);
  });
  app.openapi(routes.decide, async (c) =>
    c.json(await decideReports({ ctx: actionContext(c), input: c.req.valid("json") }), 200),
  );
}
