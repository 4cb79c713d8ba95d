import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { BadRequest } from "../../shared/errors";
import { jsonResponse, problems, type Router } from "../../shared/openapi";
import { readAvatar, uploadAvatar } from "../services/avatar";
import { getProfile } from "../services/get-profile";
import { avatarUrl } from "../services/load-profile";
import { ProfileSchema } from "./schemas";

const getOne = createRoute({
  method: "get",
  path: "/api/profiles/{id}",
  tags: ["profiles"],
  summary: "A public profile",
  request: { params: z.object({ id: z.string().uuid() }) },
  responses: {
    200: jsonResponse(z.object({ profile: ProfileSchema }), "Profile"),
    400: problems[400],
    404: problems[404],
  },
});

const putAvatar = createRoute({
  method: "put",
  path: "/api/me/avatar",
  tags: ["profiles"],
  summary: "Upload an avatar (PNG, JPEG, WebP or GIF; at most 1 MB); the raw image is the body",
  middleware: [requireUser] as const,
  request: {
    body: { required: true, content: { "image/*": { schema: z.string().openapi({ format: "binary" }) } } },
  },
  responses: {
    200: jsonResponse(z.object({ avatarUrl: z.string() }), "Stored"),
    400: problems[400],
    401: problems[401],
    403: problems[403],
    413: problems[413],
    415: problems[415],
  },
});

export function mountProfiles(app: Router) {
  app.openapi(getOne, async (c) => {
    const { profile } = await getProfile({
      ctx: actionContext(c),
      input: { userId: c.req.valid("param").id },
    });
    return c.json({ profile }, 200);
  });
  app.openapi(putAvatar, async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength === 0) throw new BadRequest("The body must be the image.");
    const { key } = await uploadAvatar({ ctx: actionContext(c), input: { bytes } });
    return c.json({ avatarUrl: avatarUrl(key) ?? "" }, 200);
  });
  // Binary response: a plain route, documented by putAvatar's description.
  app.get("/api/avatars/*", (c) =>
    readAvatar({ ctx: actionContext(c), input: { key: c.req.path.slice("/api/avatars/".length) } }),
  );
}
