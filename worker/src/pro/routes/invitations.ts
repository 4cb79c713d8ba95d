import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { guardedProblems, jsonBody, jsonResponse, problems, type Router } from "../../shared/openapi";
import { createInvitation } from "../services/create-invitation";
import { editDraft } from "../services/edit-draft";
import { invitationCalendarFile } from "../services/invitation-calendar-file";
import { listThread, postToThread } from "../services/invitation-thread";
import { BUCKETS, type Bucket, listInvitations } from "../services/list-invitations";
import { readInvitation } from "../services/read-invitation";
import { rescheduleInvitation } from "../services/reschedule-invitation";
import { listInvitationReviews, reviewInvitation } from "../services/review-invitation";
import { setMeetingLink } from "../services/set-meeting-link";
import { signOffInvitation } from "../services/sign-off-invitation";
import type { SourceNoteLookup } from "../services/source-notes";
import { transitionInvitation } from "../services/transition-invitation";
import {
  CreateInvitationSchema,
  DashboardSchema,
  InvitationPageSchema,
  MeetingLinkSchema,
  MessageSchema,
  RescheduleBodySchema,
  RescheduleResultSchema,
  ReviewSchema,
  TransitionBodySchema,
} from "./invitation-schemas";

const IdParam = z.object({ id: z.string().uuid() });

const create = createRoute({
  method: "post",
  path: "/api/invitations",
  tags: ["invitations"],
  summary: "Draft an invitation to an expert (student, club, or a club's officer)",
  middleware: [requireUser] as const,
  request: { body: jsonBody(CreateInvitationSchema) },
  responses: { 201: jsonResponse(z.object({ id: z.string() }), "Draft created"), ...guardedProblems },
});

const dashboard = createRoute({
  method: "get",
  path: "/api/invitations",
  tags: ["invitations"],
  summary: "Your invitations, sent and received, by bucket, with counts",
  middleware: [requireUser] as const,
  request: {
    query: z.object({
      bucket: z.enum(Object.keys(BUCKETS) as [Bucket, ...Bucket[]]).default("pending"),
      limit: z.coerce.number().int().min(1).max(100).default(50),
      cursor: z.string().max(512).optional(),
    }),
  },
  responses: { 200: jsonResponse(DashboardSchema, "Dashboard"), 400: problems[400], 401: problems[401] },
});

const read = createRoute({
  method: "get",
  path: "/api/invitations/{id}",
  tags: ["invitations"],
  summary: "An invitation, for its two sides only",
  middleware: [requireUser] as const,
  request: { params: IdParam },
  responses: { 200: jsonResponse(InvitationPageSchema, "The invitation"), ...guardedProblems },
});

const edit = createRoute({
  method: "patch",
  path: "/api/invitations/{id}",
  tags: ["invitations"],
  summary: "Edit a draft (requester side); a club's draft then needs a fresh sign-off",
  middleware: [requireUser] as const,
  request: {
    params: IdParam,
    body: jsonBody(CreateInvitationSchema.omit({ expertId: true, requesterId: true }).partial()),
  },
  responses: { 204: { description: "Edited" }, ...guardedProblems },
});

const transition = createRoute({
  method: "post",
  path: "/api/invitations/{id}/{action}",
  tags: ["invitations"],
  summary:
    "send | accept (slotId, namePublicly) | decline | counter (slots; either side, 5 rounds) | cancel | complete; message optional",
  middleware: [requireUser] as const,
  request: {
    params: IdParam.extend({
      action: z.enum(["send", "accept", "decline", "counter", "cancel", "complete"]),
    }),
    body: { required: false, content: { "application/json": { schema: TransitionBodySchema } } },
  },
  responses: { 200: jsonResponse(z.object({ status: z.string() }), "The new state"), ...guardedProblems },
});

const reschedule = createRoute({
  method: "post",
  path: "/api/invitations/{id}/reschedule",
  tags: ["invitations"],
  summary: "Either side of a scheduled session proposes one to three new times (slots)",
  middleware: [requireUser] as const,
  request: { params: IdParam, body: jsonBody(RescheduleBodySchema) },
  responses: {
    200: jsonResponse(RescheduleResultSchema, "Proposed"),
    ...guardedProblems,
    429: problems[429],
  },
});

const rescheduleStep = createRoute({
  method: "post",
  path: "/api/invitations/{id}/reschedule/{step}",
  tags: ["invitations"],
  summary:
    "Answer the open proposal: accept (slotId; the session moves), decline (the old time stands), counter (slots); or withdraw your own",
  middleware: [requireUser] as const,
  request: {
    params: IdParam.extend({ step: z.enum(["accept", "decline", "counter", "withdraw"]) }),
    body: { required: false, content: { "application/json": { schema: RescheduleBodySchema } } },
  },
  responses: {
    200: jsonResponse(RescheduleResultSchema, "Answered"),
    ...guardedProblems,
    429: problems[429],
  },
});

const meetingLink = createRoute({
  method: "patch",
  path: "/api/invitations/{id}/meeting-link",
  tags: ["invitations"],
  summary: "Set or clear an online session's meeting link (either side; https only)",
  middleware: [requireUser] as const,
  request: { params: IdParam, body: jsonBody(MeetingLinkSchema) },
  responses: {
    200: jsonResponse(z.object({ meetingLink: z.string().nullable() }), "The link now"),
    ...guardedProblems,
    429: problems[429],
  },
});

const signOff = createRoute({
  method: "post",
  path: "/api/invitations/{id}/sign-off",
  tags: ["invitations"],
  summary: "A club officer approves a club's draft for sending",
  middleware: [requireUser] as const,
  request: { params: IdParam },
  responses: { 204: { description: "Signed off" }, ...guardedProblems },
});

const thread = createRoute({
  method: "get",
  path: "/api/invitations/{id}/messages",
  tags: ["invitations"],
  summary: "The invitation's message thread",
  middleware: [requireUser] as const,
  request: { params: IdParam },
  responses: {
    200: jsonResponse(z.object({ messages: z.array(MessageSchema) }), "Thread"),
    ...guardedProblems,
  },
});

const post = createRoute({
  method: "post",
  path: "/api/invitations/{id}/messages",
  tags: ["invitations"],
  summary: "Write in the invitation's thread",
  middleware: [requireUser] as const,
  request: {
    params: IdParam,
    body: jsonBody(z.object({ body: z.string().trim().min(1).max(2000) }).strict()),
  },
  responses: { 201: jsonResponse(MessageSchema, "Posted"), ...guardedProblems },
});

const ics = createRoute({
  method: "get",
  path: "/api/invitations/{id}/ics",
  tags: ["invitations"],
  summary: "The scheduled session as an RFC 5545 calendar file",
  middleware: [requireUser] as const,
  request: { params: IdParam },
  responses: {
    200: { description: "text/calendar", content: { "text/calendar": { schema: z.string() } } },
    ...guardedProblems,
  },
});

const review = createRoute({
  method: "post",
  path: "/api/invitations/{id}/review",
  tags: ["invitations"],
  summary: "Review the other side once the session is completed (once per side)",
  middleware: [requireUser] as const,
  request: {
    params: IdParam,
    body: jsonBody(
      z.object({ rating: z.number().int().min(1).max(5), body: z.string().trim().max(2000) }).strict(),
    ),
  },
  responses: { 201: jsonResponse(z.object({ id: z.string() }), "Reviewed"), ...guardedProblems },
});

const reviewsOf = createRoute({
  method: "get",
  path: "/api/invitations/{id}/reviews",
  tags: ["invitations"],
  summary: "The reviews written about this session",
  middleware: [requireUser] as const,
  request: { params: IdParam },
  responses: {
    200: jsonResponse(z.object({ reviews: z.array(ReviewSchema) }), "Reviews"),
    ...guardedProblems,
  },
});

/** `sourceNotes` answers "may this person see this note" by atas-link's rule (app.ts hands it in). */
export function mountInvitations(app: Router, { sourceNotes }: { sourceNotes: SourceNoteLookup }) {
  app.openapi(create, async (c) => {
    const id = await createInvitation({ ctx: actionContext(c), input: c.req.valid("json"), sourceNotes });
    return c.json({ id }, 201);
  });
  app.openapi(dashboard, async (c) =>
    c.json(await listInvitations({ ctx: actionContext(c), input: c.req.valid("query") }), 200),
  );
  app.openapi(read, async (c) =>
    c.json(await readInvitation({ ctx: actionContext(c), input: c.req.valid("param"), sourceNotes }), 200),
  );
  app.openapi(edit, async (c) => {
    await editDraft({
      ctx: actionContext(c),
      input: { ...c.req.valid("param"), patch: c.req.valid("json") },
    });
    return c.body(null, 204);
  });
  // Fixed paths before the {action} pattern.
  app.openapi(reschedule, async (c) =>
    c.json(
      await rescheduleInvitation({
        ctx: actionContext(c),
        input: { ...c.req.valid("param"), ...c.req.valid("json"), action: "propose" },
      }),
      200,
    ),
  );
  app.openapi(rescheduleStep, async (c) => {
    const { id, step } = c.req.valid("param");
    const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
    return c.json(
      await rescheduleInvitation({ ctx: actionContext(c), input: { ...body, id, action: step } }),
      200,
    );
  });
  app.openapi(meetingLink, async (c) =>
    c.json(
      await setMeetingLink({
        ctx: actionContext(c),
        input: { ...c.req.valid("param"), ...c.req.valid("json") },
      }),
      200,
    ),
  );
  app.openapi(signOff, async (c) => {
    await signOffInvitation({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(null, 204);
  });
  app.openapi(thread, async (c) =>
    c.json({ messages: await listThread({ ctx: actionContext(c), input: c.req.valid("param") }) }, 200),
  );
  app.openapi(post, async (c) => {
    const message = await postToThread({
      ctx: actionContext(c),
      input: { ...c.req.valid("param"), ...c.req.valid("json") },
    });
    return c.json(message, 201);
  });
  app.openapi(ics, async (c) => {
    const calendar = await invitationCalendarFile({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(calendar, 200, {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="atas-${c.req.valid("param").id.slice(0, 8)}.ics"`,
    });
  });
  app.openapi(review, async (c) => {
    const created = await reviewInvitation({
      ctx: actionContext(c),
      input: { ...c.req.valid("param"), ...c.req.valid("json") },
    });
    return c.json(created, 201);
  });
  app.openapi(reviewsOf, async (c) =>
    c.json(
      { reviews: await listInvitationReviews({ ctx: actionContext(c), input: c.req.valid("param") }) },
      200,
    ),
  );
  app.openapi(transition, async (c) => {
    const { id, action } = c.req.valid("param");
    const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
    return c.json(await transitionInvitation({ ctx: actionContext(c), input: { id, action, ...body } }), 200);
  });
}
