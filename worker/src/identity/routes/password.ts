import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { Email, jsonBody, jsonResponse, Password, problems, type Router } from "../../shared/openapi";
import { changePassword, requestPasswordReset, resetPassword } from "../services/password-reset";
import { Accepted } from "./register";

const Done = z.object({ status: z.literal("ok") });

const forgot = createRoute({
  method: "post",
  path: "/api/auth/password/forgot",
  tags: ["auth"],
  summary: "Mail a password-reset link (same answer for unknown addresses)",
  request: { body: jsonBody(z.object({ email: Email }).strict()) },
  responses: {
    202: jsonResponse(Accepted, "Accepted"),
    400: problems[400],
    403: problems[403],
    429: problems[429],
  },
});

const reset = createRoute({
  method: "post",
  path: "/api/auth/password/reset",
  tags: ["auth"],
  summary: "Set a new password with the mailed token; ends every session",
  request: { body: jsonBody(z.object({ token: z.string().min(10).max(200), password: Password }).strict()) },
  responses: { 200: jsonResponse(Done, "Password set"), 400: problems[400], 403: problems[403] },
});

const change = createRoute({
  method: "post",
  path: "/api/auth/password/change",
  tags: ["auth"],
  summary: "Change the password; ends the account's other sessions",
  middleware: [requireUser] as const,
  request: { body: jsonBody(z.object({ currentPassword: Password, newPassword: Password }).strict()) },
  responses: {
    200: jsonResponse(Done, "Password changed"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
  },
});

export function mountPassword(app: Router) {
  app.openapi(forgot, async (c) => {
    await requestPasswordReset({ ctx: actionContext(c), input: c.req.valid("json") });
    return c.json({ status: "check-your-email" as const }, 202);
  });
  app.openapi(reset, async (c) => {
    await resetPassword({ ctx: actionContext(c), input: c.req.valid("json") });
    return c.json({ status: "ok" as const }, 200);
  });
  app.openapi(change, async (c) => {
    const sessionId = c.get("session")?.id ?? "";
    await changePassword({ ctx: actionContext(c), input: { ...c.req.valid("json"), sessionId } });
    return c.json({ status: "ok" as const }, 200);
  });
}
