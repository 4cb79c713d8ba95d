import { createRoute, z } from "@hono/zod-openapi";
import { OFFICER_STATES } from "../../clubs/schema";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { jsonBody, jsonResponse, problems, type Router } from "../../shared/openapi";
import { listNotifications, markNotificationsRead } from "../services/notifications";

const Notifications = z
  .object({
    unread: z.number(),
    notifications: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        text: z.string(),
        invitationId: z.string().nullable(),
        officerInvitation: z
          .object({ id: z.string(), status: z.enum(OFFICER_STATES) })
          .nullable()
          .openapi({ description: "A club's officer invitation: accept or decline it while pending" }),
        facts: z
          .object({ event: z.string(), actor: z.string(), title: z.string() })
          .nullable()
          .openapi({ description: "What `text` says, for pages that translate it" }),
        read: z.boolean(),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi("Notifications");

const list = createRoute({
  method: "get",
  path: "/api/notifications",
  tags: ["notifications"],
  summary: "Your latest notifications and the unread count",
  middleware: [requireUser] as const,
  responses: { 200: jsonResponse(Notifications, "Notifications"), 401: problems[401] },
});

const read = createRoute({
  method: "post",
  path: "/api/notifications/read",
  tags: ["notifications"],
  summary: "Mark notifications read (all of them when ids is omitted)",
  middleware: [requireUser] as const,
  request: { body: jsonBody(z.object({ ids: z.array(z.string().uuid()).max(500).optional() }).strict()) },
  responses: {
    200: jsonResponse(Notifications, "Notifications"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
  },
});

export function mountNotifications(app: Router) {
  app.openapi(list, async (c) => c.json(await listNotifications({ ctx: actionContext(c) }), 200));
  app.openapi(read, async (c) =>
    c.json(await markNotificationsRead({ ctx: actionContext(c), input: c.req.valid("json") }), 200),
  );
}
