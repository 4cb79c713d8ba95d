import { createRoute, z } from "@hono/zod-openapi";
import { actionContext } from "../../shared/context";
import { jsonResponse, type Router } from "../../shared/openapi";
import { listCampuses } from "../services/list-campuses";

const list = createRoute({
  method: "get",
  path: "/api/campuses",
  tags: ["campuses"],
  summary: "Universities whose mail domains verify a campus",
  responses: {
    200: jsonResponse(
      z.object({
        campuses: z.array(
          z.object({ id: z.string(), name: z.string(), country: z.string(), timeZone: z.string() }),
        ),
      }),
      "Campuses",
    ),
  },
});

export function mountCampuses(app: Router) {
  app.openapi(list, async (c) => {
    const rows = await listCampuses({ ctx: actionContext(c) });
    return c.json({ campuses: rows }, 200);
  });
}
