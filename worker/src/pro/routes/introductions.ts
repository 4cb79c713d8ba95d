import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { guardedProblems, jsonBody, jsonResponse, problems, type Router } from "../../shared/openapi";
import { answerIntroduction, askIntroduction, listIntroductions } from "../services/introductions";

const IdParam = z.object({ id: z.string().uuid() });

const IntroductionRow = z.object({
  id: z.string(),
  invitationId: z.string(),
  title: z.string(),
  status: z.enum(["pending", "endorsed", "declined"]),
  message: z.string().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  requesterName: z.string(),
  connectorName: z.string(),
  expertName: z.string(),
});

const routes = {
  askIntroduction: createRoute({
    method: "post",
    path: "/api/invitations/{id}/introductions",
    tags: ["network"],
    summary: "Ask a mutual connection of you and the expert to introduce this invitation",
    middleware: [requireUser] as const,
    request: {
      params: IdParam,
      body: jsonBody(z.object({ connectorId: z.string().uuid(), message: z.string().max(1000).optional() })),
    },
    responses: {
      201: jsonResponse(z.object({ id: z.string(), status: z.string() }), "Asked"),
      ...guardedProblems,
    },
  }),
  introductions: createRoute({
    method: "get",
    path: "/api/introductions",
    tags: ["network"],
    summary: "Introductions asked of you (to answer) and by you",
    middleware: [requireUser] as const,
    responses: {
      200: jsonResponse(
        z.object({ toAnswer: z.array(IntroductionRow), asked: z.array(IntroductionRow) }),
        "Introductions",
      ),
      401: problems[401],
    },
  }),
  answerIntroduction: createRoute({
    method: "post",
    path: "/api/introductions/{id}/{answer}",
    tags: ["network"],
    summary: "Endorse (optionally with a note to the expert) or decline an introduction",
    middleware: [requireUser] as const,
    request: {
      params: IdParam.extend({ answer: z.enum(["endorse", "decline"]) }),
      body: {
        required: false,
        content: { "application/json": { schema: z.object({ note: z.string().max(1000).optional() }) } },
      },
    },
    responses: { 200: jsonResponse(z.object({ status: z.string() }), "Answered"), ...guardedProblems },
  }),
};

/** Mounted before the invitations router, whose `/{id}/{action}` pattern would otherwise claim `/introductions`. */
export function mountIntroductions(app: Router) {
  app.openapi(routes.askIntroduction, async (c) =>
    c.json(
      await askIntroduction({
        ctx: actionContext(c),
        input: { invitationId: c.req.valid("param").id, ...c.req.valid("json") },
      }),
      201,
    ),
  );
  app.openapi(routes.introductions, async (c) =>
    c.json(await listIntroductions({ ctx: actionContext(c) }), 200),
  );
  app.openapi(routes.answerIntroduction, async (c) => {
    const body = c.req.header("content-type")?.includes("json") ? c.req.valid("json") : {};
    return c.json(
      await answerIntroduction({ ctx: actionContext(c), input: { ...c.req.valid("param"), ...body } }),
      200,
    );
  });
}
