import { createRoute, z } from "@hono/zod-openapi";
import { actionContext } from "../../shared/context";
import { Email, jsonBody, jsonResponse, problems, type Router } from "../../shared/openapi";
import { resendVerification } from "../services/resend-verification";
import { verifyEmail } from "../services/verify-email";
import { Accepted } from "./register";

const verify = createRoute({
  method: "post",
  path: "/api/auth/verify",
  tags: ["auth"],
  summary: "Verify an e-mail address with the token from the mail",
  request: { body: jsonBody(z.object({ token: z.string().min(10).max(200) }).strict()) },
  responses: {
    200: jsonResponse(
      z.object({ verified: z.literal(true), campusId: z.string().nullable(), campusVerified: z.boolean() }),
      "Verified",
    ),
    400: problems[400],
    403: problems[403],
  },
});

const resend = createRoute({
  method: "post",
  path: "/api/auth/verify/resend",
  tags: ["auth"],
  summary: "Send the verification mail again",
  request: { body: jsonBody(z.object({ email: Email }).strict()) },
  responses: {
    202: jsonResponse(Accepted, "Accepted"),
    400: problems[400],
    403: problems[403],
    429: problems[429],
  },
});

export function mountVerify(app: Router) {
  app.openapi(verify, async (c) => {
    const result = await verifyEmail({ ctx: actionContext(c), input: c.req.valid("json") });
    return c.json({ ...result, verified: true as const }, 200);
  });
  app.openapi(resend, async (c) => {
    await resendVerification({ ctx: actionContext(c), input: c.req.valid("json") });
    return c.json({ status: "check-your-email" as const }, 202);
  });
}
