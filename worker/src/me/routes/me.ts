import { createRoute, z } from "@hono/zod-openapi";
import { AccountSchema, ProfilePatchSchema, ProfileSchema, toAccount } from "../../profiles";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { Unauthorized } from "../../shared/errors";
import { jsonBody, jsonResponse, problems, type Router } from "../../shared/openapi";
import { getMe } from "../services/get-me";
import { updateMe } from "../services/update-me";

const MeProfile = z.object({ account: AccountSchema, profile: ProfileSchema }).openapi("MeProfile");
const Me = MeProfile.extend({
  unreadNotifications: z.number().int(),
  clubs: z
    .array(z.object({ id: z.string(), name: z.string() }))
    .openapi({ description: "Clubs you are an officer of" }),
}).openapi("Me");

const readMe = createRoute({
  method: "get",
  path: "/api/me",
  tags: ["profiles"],
  summary: "The signed-in account and its profile",
  middleware: [requireUser] as const,
  responses: { 200: jsonResponse(Me, "Me"), 401: problems[401] },
});

const patchMe = createRoute({
  method: "patch",
  path: "/api/me/profile",
  tags: ["profiles"],
  summary: "Edit your own profile; fields depend on your role",
  middleware: [requireUser] as const,
  request: { body: jsonBody(ProfilePatchSchema) },
  responses: {
    200: jsonResponse(MeProfile, "The updated profile"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
  },
});

export function mountMe(app: Router) {
  app.openapi(readMe, async (c) => {
    const ctx = actionContext(c);
    if (!ctx.actor) throw new Unauthorized();
    const { profile, unreadNotifications, clubs } = await getMe({ ctx });
    c.header("cache-control", "private, no-store");
    return c.json({ account: toAccount(ctx.actor), profile, unreadNotifications, clubs }, 200);
  });
  app.openapi(patchMe, async (c) => {
    const ctx = actionContext(c);
    const profile = await updateMe({ ctx, input: c.req.valid("json") });
    if (!ctx.actor || !profile) throw new Unauthorized();
    return c.json({ account: toAccount({ ...ctx.actor, displayName: profile.displayName }), profile }, 200);
  });
}
