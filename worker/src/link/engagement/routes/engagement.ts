import type { Router } from "../../../shared/openapi";
import { mountBoards } from "./boards";
import { mountComments } from "./comments";
import { mountFollows } from "./follows";
import { mountLikes } from "./likes";

/** Follows, likes, boards and comments of atas-link, mounted in this order (the OpenAPI document's). */
export function mountEngagement(app: Router) {
  mountFollows(app);
  mountLikes(app);
  mountBoards(app);
  mountComments(app);
}
