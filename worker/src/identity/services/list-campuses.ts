import { asc } from "drizzle-orm";
import type { ActionContext } from "../../shared/context";
import { campuses } from "../schema";

export function listCampuses({ ctx }: { ctx: ActionContext }) {
  return ctx.db.select().from(campuses).orderBy(asc(campuses.name)).all();
}
