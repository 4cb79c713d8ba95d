import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { guardedProblems, jsonBody, jsonResponse, problems, type Router } from "../../shared/openapi";
import { OFFICER_STATES } from "../schema";
import {
  answerOfficerInvitation,
  inviteOfficer,
  listClubOfficers,
  listMyClubs,
  removeOfficer,
} from "../services/officer-invitations";

const Served = z.object({
  invitationId: z.string(),
  clubId: z.string(),
  name: z.string(),
  title: z.string(),
  since: z.string().openapi({ description: "When they accepted (serving) or were asked (pending)" }),
});
const MyClubs = z.object({ serving: z.array(Served), pending: z.array(Served) }).openapi("MyClubs");
const Answered = z.object({ id: z.string(), status: z.enum(OFFICER_STATES) });

const routes = {
  invite: createRoute({
    method: "post",
    path: "/api/clubs/me/officers",
    tags: ["profiles"],
    summary:
      "A club invites a student to serve as an officer; the student accepts or declines (403 if blocked either way, 409 if already asked or declined in the last 30 days)",
    middleware: [requireUser] as const,
    request: {
      body: jsonBody(
        z
          .object({ userId: z.string().uuid(), title: z.string().trim().min(1).max(60).default("Officer") })
          .strict(),
      ),
    },
    responses: {
      201: jsonResponse(
        z.object({
          id: z.string(),
          clubId: z.string(),
          userId: z.string(),
          title: z.string(),
          status: z.string(),
        }),
        "Invited",
      ),
      ...guardedProblems,
      429: problems[429],
    },
  }),
  clubOfficers: createRoute({
    method: "get",
    path: "/api/clubs/me/officers",
    tags: ["profiles"],
    summary: "The club's officers and the students it has asked, with their status",
    middleware: [requireUser] as const,
    responses: {
      200: jsonResponse(
        z.object({
          officers: z.array(
            z.object({
              invitationId: z.string(),
              userId: z.string(),
              displayName: z.string(),
              title: z.string(),
              status: z.enum(["pending", "accepted"]),
            }),
          ),
        }),
        "Officers",
      ),
      401: problems[401],
      403: problems[403],
    },
  }),
  remove: createRoute({
    method: "delete",
    path: "/api/clubs/me/officers/{userId}",
    tags: ["profiles"],
    summary: "The club withdraws its invitation to this student, or removes them as an officer",
    middleware: [requireUser] as const,
    request: { params: z.object({ userId: z.string().uuid() }) },
    responses: { 204: { description: "Withdrawn or removed" }, ...guardedProblems },
  }),
  myClubs: createRoute({
    method: "get",
    path: "/api/me/clubs",
    tags: ["profiles"],
    summary: "Clubs you serve as an officer, and officer invitations waiting for your answer",
    middleware: [requireUser] as const,
    responses: { 200: jsonResponse(MyClubs, "Your clubs"), 401: problems[401] },
  }),
  answer: createRoute({
    method: "post",
    path: "/api/officer-invitations/{id}/{action}",
    tags: ["profiles"],
    summary:
      "The student accepts, declines or leaves; the club withdraws or removes (rules: profiles/officer-machine.ts)",
    middleware: [requireUser] as const,
    request: {
      params: z.object({
        id: z.string().uuid(),
        action: z.enum(["accept", "decline", "leave", "withdraw", "remove"]),
      }),
    },
    responses: { 200: jsonResponse(Answered, "The invitation's new status"), ...guardedProblems },
  }),
};

export function mountOfficers(app: Router) {
  app.openapi(routes.invite, async (c) =>
    c.json(await inviteOfficer({ ctx: actionContext(c), input: c.req.valid("json") }), 201),
  );
  app.openapi(routes.clubOfficers, async (c) =>
    c.json(await listClubOfficers({ ctx: actionContext(c) }), 200),
  );
  app.openapi(routes.remove, async (c) => {
    await removeOfficer({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(null, 204);
  });
  app.openapi(routes.myClubs, async (c) => {
    c.header("cache-control", "private, no-store");
    return c.json(await listMyClubs({ ctx: actionContext(c) }), 200);
  });
  app.openapi(routes.answer, async (c) =>
    c.json(await answerOfficerInvitation({ ctx: actionContext(c), input: c.req.valid("param") }), 200),
  );
}
