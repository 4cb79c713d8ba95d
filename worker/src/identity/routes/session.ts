import { createRoute, z } from "@hono/zod-openapi";
import { AccountSchema, toAccount } from "../../profiles";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { Email, jsonBody, jsonResponse, Password, problems, type Router } from "../../shared/openapi";
import { clearSessionCookie, writeSessionCookie } from "../cookie";
import { logIn } from "../services/log-in";
import { signOut } from "../services/sign-out";

const login = createRoute({
  method: "post",
  path: "/api/auth/login",
  tags: ["auth"],
  summary: "Sign in; sets the session cookie",
  request: { body: jsonBody(z.object({ email: Email, password: Password }).strict()) },
  responses: {
    200: jsonResponse(z.object({ account: AccountSchema }), "Signed in"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    429: problems[429],
    503: problems[503],
  },
});

const logout = createRoute({
  method: "post",
  path: "/api/auth/logout",
  tags: ["auth"],
  summary: "Sign out of this session, or with ?everywhere=true of every session of the account",
  middleware: [requireUser] as const,
  request: { query: z.object({ everywhere: z.enum(["true", "false"]).optional() }) },
  responses: { 204: { description: "Signed out" }, 401: problems[401], 403: problems[403] },
});

export function mountSession(app: Router) {
  app.openapi(login, async (c) => {
    const { user, token, maxAgeSeconds } = await logIn({
      ctx: actionContext(c),
      input: { ...c.req.valid("json"), userAgent: c.req.header("user-agent") ?? "" },
    });
    writeSessionCookie(c, token, maxAgeSeconds);
    return c.json({ account: toAccount(user) }, 200);
  });
  app.openapi(logout, async (c) => {
    await signOut({
      ctx: actionContext(c),
      input: { session: c.get("session"), everywhere: c.req.valid("query").everywhere === "true" },
    });
    clearSessionCookie(c);
    return c.body(null, 204);
  });
}
