import { eq, isNotNull, sql } from "drizzle-orm";
import { inJsonList } from "../../db/client";
import { campuses, users } from "../../identity/schema";
import type { ActionContext } from "../../shared/context";
import { expertProfiles } from "../schema";

/** The zone of anyone with neither a campus nor an expert's availability: the first campuses' zone. */
export const DEFAULT_TIME_ZONE = "Asia/Kuala_Lumpur";

/**
 * A person's own time zone, for personal reminders: an expert's is the zone of their availability
 * windows (the first), else their campus's; everyone else's is their campus's; with neither, the default.
 */
export async function timeZonesOf(ctx: Pick<ActionContext, "db">, userIds: string[]) {
  const ids = [...new Set(userIds)];
  const zones = new Map<string, string>();
  if (ids.length === 0) return zones;
  const rows = await ctx.db
    .select({ id: users.id, campusZone: campuses.timeZone, availability: expertProfiles.availability })
    .from(users)
    .leftJoin(campuses, eq(campuses.id, users.campusId))
    .leftJoin(expertProfiles, eq(expertProfiles.userId, users.id))
    .where(inJsonList(users.id, ids))
    .all();
  for (const row of rows)
    zones.set(row.id, row.availability?.[0]?.timeZone ?? row.campusZone ?? DEFAULT_TIME_ZONE);
  for (const id of ids) if (!zones.has(id)) zones.set(id, DEFAULT_TIME_ZONE);
  return zones;
}

/** Every zone someone may be in: the campuses', the experts' availability zones, and the default. */
export async function timeZonesInUse(ctx: Pick<ActionContext, "db">): Promise<string[]> {
  const campusZones = await ctx.db.selectDistinct({ zone: campuses.timeZone }).from(campuses).all();
  const expertZones = await ctx.db
    .selectDistinct({
      zone: sql<string | null>`json_extract(${expertProfiles.availability}, '$[0].timeZone')`,
    })
    .from(expertProfiles)
    .where(isNotNull(sql`json_extract(${expertProfiles.availability}, '$[0].timeZone')`))
    .all();
  const zones = new Set([DEFAULT_TIME_ZONE, ...campusZones.map((z) => z.zone)]);
  for (const { zone } of expertZones) if (typeof zone === "string" && zone) zones.add(zone);
  return [...zones];
}
