import type { Router } from "../../../shared/openapi";
import { mountMutes } from "./mutes";
import { mountReports } from "./reports";

/** Reports and their review, then mutes, mounted in this order (the OpenAPI document's). */
export function mountModeration(app: Router) {
  mountReports(app);
  mountMutes(app);
}
