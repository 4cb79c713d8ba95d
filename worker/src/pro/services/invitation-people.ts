import { eq, inArray } from "drizzle-orm";
import { campuses, users } from "../../identity/schema";
import { DEFAULT_TIME_ZONE } from "../../profiles";
import { expertProfiles } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import type { Invitation } from "../schema";
import { localTime } from "./availability";

export { DEFAULT_TIME_ZONE };

/** Names, addresses and the expert's zone for the two sides of an invitation. */
export async function invitationPeople(ctx: Pick<ActionContext, "db">, invitation: Invitation) {
  const rows = await ctx.db
    .select({ id: users.id, name: users.displayName, email: users.email, zone: campuses.timeZone })
    .from(users)
    .leftJoin(campuses, eq(campuses.id, users.campusId))
    .where(inArray(users.id, [invitation.requesterId, invitation.expertId]))
    .all();
  const expertProfile = await ctx.db
    .select({ availability: expertProfiles.availability })
    .from(expertProfiles)
    .where(eq(expertProfiles.userId, invitation.expertId))
    .get();
  const requester = rows.find((r) => r.id === invitation.requesterId);
  const expert = rows.find((r) => r.id === invitation.expertId);
  const expertZone = expertProfile?.availability[0]?.timeZone ?? expert?.zone ?? DEFAULT_TIME_ZONE;
  const when = invitation.scheduledStart;
  const localTimeText = when
    ? `${new Intl.DateTimeFormat("en-GB", { timeZone: expertZone, dateStyle: "full", timeStyle: "short" }).format(new Date(when))} (${expertZone})`
    : "not scheduled";
  return {
    requester: { name: requester?.name ?? "A requester", email: requester?.email ?? "" },
    expert: { name: expert?.name ?? "An expert", email: expert?.email ?? "" },
    expertZone,
    requesterZone: requester?.zone ?? DEFAULT_TIME_ZONE,
    localTime: localTimeText,
    localDate: when ? localTime(when, expertZone).date : null,
  };
}
