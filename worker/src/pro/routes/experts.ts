import { createRoute, z } from "@hono/zod-openapi";
import { ProfileSchema } from "../../profiles";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { guardedProblems, jsonResponse, problems, type Router } from "../../shared/openapi";
import { expertBusy } from "../services/expert-busy";
import { getExpert } from "../services/expert-track-record";
import { searchExperts } from "../services/search-experts";

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD")
  .openapi({ example: "2026-03-02" });
const List = (example: string) =>
  z.string().max(400).optional().openapi({ description: "Comma-separated; every one must match", example });

const ExpertsQuery = z.object({
  q: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "Words to search; the last one may be a prefix", example: "payments eng" }),
  industry: z
    .string()
    .max(60)
    .optional()
    .openapi({ description: "Exact, case-insensitive", example: "Fintech" }),
  skills: List("go,payments"),
  topics: List("scaling payments"),
  campus: z
    .string()
    .max(40)
    .optional()
    .openapi({ description: "A campus id the expert has ties to", example: "um" }),
  accepting: z.enum(["true", "false"]).optional(),
  includeUnverified: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "Also list experts not yet vetted (labelled `verified: false`)" }),
  availableFrom: Day.optional().openapi({ description: "With availableTo: at most 62 days apart" }),
  availableTo: Day.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(512).optional().openapi({ description: "nextCursor from the previous page" }),
});

const ExpertCardSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    headline: z.string(),
    company: z.string(),
    industry: z.string(),
    skills: z.array(z.string()),
    topics: z.array(z.string()),
    acceptingInvitations: z.boolean(),
    campusTies: z.array(z.string()),
    verified: z.boolean().openapi({ description: "Vetted by an admin or by a company mail domain" }),
    snippet: z.string().optional().openapi({
      description:
        "With q: the best-matching passage, plain text; each match is wrapped in U+E000 … U+E001 (never HTML)",
    }),
  })
  .openapi("ExpertCard");

const TrackRecordSchema = z
  .object({
    received: z.number().int(),
    responded: z.number().int(),
    responseRate: z.number().nullable(),
    medianResponseHours: z.number().nullable(),
    sessionsCompleted: z.number().int(),
    eventsDelivered: z.number().int().openapi({ description: "Completed sessions published as events" }),
    attendees: z.number().int().openapi({ description: "People who were going to those events" }),
    averageRating: z.number().nullable(),
    reviewCount: z.number().int(),
    recentReviews: z.array(
      z.object({
        rating: z.number().int(),
        body: z.string(),
        createdAt: z.string(),
        author: z.object({ id: z.string(), displayName: z.string() }),
      }),
    ),
  })
  .openapi("TrackRecord");

const list = createRoute({
  method: "get",
  path: "/api/experts",
  tags: ["experts"],
  summary: "The expert directory: full-text search and filters, paged by cursor",
  request: { query: ExpertsQuery },
  responses: {
    200: jsonResponse(
      z.object({ experts: z.array(ExpertCardSchema), nextCursor: z.string().nullable() }),
      "A page of experts",
    ),
    400: problems[400],
  },
});

const getOne = createRoute({
  method: "get",
  path: "/api/experts/{id}",
  tags: ["experts"],
  summary: "An expert's public profile and track record",
  request: { params: z.object({ id: z.string().uuid() }) },
  responses: {
    200: jsonResponse(
      z.object({ profile: ProfileSchema, trackRecord: TrackRecordSchema }),
      "Expert (x-cache says whether the track record came from the cache: hit or miss)",
    ),
    400: problems[400],
    404: problems[404],
  },
});

const Instant = z.string().datetime({ offset: true }).openapi({ example: "2026-12-15T00:00:00Z" });

const busy = createRoute({
  method: "get",
  path: "/api/experts/{id}/busy",
  tags: ["experts"],
  summary: "The expert's booked session times (start and end only) in [from, to), at most 92 days",
  middleware: [requireUser] as const,
  request: {
    params: z.object({ id: z.string().uuid() }),
    query: z.object({ from: Instant.optional(), to: Instant.optional() }),
  },
  responses: {
    200: jsonResponse(
      z.object({ busy: z.array(z.object({ start: z.string(), end: z.string() })) }).openapi("ExpertBusy"),
      "Busy intervals, earliest first",
    ),
    ...guardedProblems,
  },
});

export function mountExperts(app: Router) {
  app.openapi(busy, async (c) =>
    c.json(
      await expertBusy({
        ctx: actionContext(c),
        input: { ...c.req.valid("param"), ...c.req.valid("query") },
      }),
      200,
    ),
  );
  app.openapi(list, async (c) => {
    const { accepting, includeUnverified, ...query } = c.req.valid("query");
    const page = await searchExperts({
      ctx: actionContext(c),
      input: {
        ...query,
        accepting: accepting === undefined ? undefined : accepting === "true",
        includeUnverified: includeUnverified === "true",
      },
    });
    return c.json(page, 200);
  });
  app.openapi(getOne, async (c) => {
    const { profile, trackRecord, cache } = await getExpert({
      ctx: actionContext(c),
      input: { expertId: c.req.valid("param").id },
    });
    c.header("x-cache", cache);
    return c.json({ profile, trackRecord }, 200);
  });
}
