import { createRoute, z } from "@hono/zod-openapi";
import { actionContext } from "../../shared/context";
import { Email, jsonBody, jsonResponse, Password, problems, type Router } from "../../shared/openapi";
import { registerAccount } from "../services/register-account";

export const Accepted = z.object({ status: z.literal("check-your-email") }).openapi("Accepted");

const route = createRoute({
  method: "post",
  path: "/api/auth/register",
  tags: ["auth"],
  summary: "Create an account; the verification mail is queued",
  request: {
    body: jsonBody(
      z
        .object({
          email: Email,
          password: Password,
          displayName: z.string().trim().min(1).max(80),
          role: z.enum(["student", "expert", "club"]),
        })
        .strict(),
    ),
  },
  responses: {
    202: jsonResponse(Accepted, "Accepted whether or not the address already had an account"),
    400: problems[400],
    403: problems[403],
    429: problems[429],
    503: problems[503],
  },
});

export function mountRegister(app: Router) {
  app.openapi(route, async (c) => {
    await registerAccount({ ctx: actionContext(c), input: c.req.valid("json") });
    return c.json({ status: "check-your-email" as const }, 202);
  });
}
