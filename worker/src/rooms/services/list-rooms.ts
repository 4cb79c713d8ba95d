import { and, desc, eq, inArray, or } from "drizzle-orm";
import { clubOfficers } from "../../clubs/schema";
import { inJsonList } from "../../db/client";
import { memberCampus } from "../../identity";
import { users } from "../../identity/schema";
import { clubProfiles } from "../../profiles/schema";
import { parseRoomId, type RoomPerson, roomOf } from "../../realtime";
import { type ActionContext, me } from "../../shared/context";
import { type RoomKind, roomMembers, rooms } from "../schema";

export interface RoomListing {
  id: string;
  kind: RoomKind;
  title: string;
  /** People online in it now, as the room object counts them. */
  online: number;
  lastMessageAt: string | null;
  /** For a direct room: the other person. */
  peer: RoomPerson | null;
}

/** Direct rooms listed at most (most recently opened first). */
const MAX_DIRECT = 100;

/**
 * The rooms the signed-in user can enter: their campus room, the topic rooms, the rooms of clubs
 * they run or joined, and their direct rooms, each with its live count asked of its object (in
 * parallel; a room that does not answer shows 0 rather than failing the list).
 */
export async function listRooms({ ctx }: { ctx: ActionContext }): Promise<RoomListing[]> {
  const actor = me(ctx);
  const campus = memberCampus(actor);
  const campusRoom = campus ? `campus:${campus}` : "";
  const [shared, joined, clubs] = await ctx.db.batch([
    ctx.db
      .select({ id: rooms.id, kind: rooms.kind, title: rooms.title })
      .from(rooms)
      .where(or(eq(rooms.kind, "topic"), eq(rooms.id, campusRoom)))
      .orderBy(rooms.kind, rooms.title),
    ctx.db
      .select({ id: rooms.id, kind: rooms.kind, title: rooms.title })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(and(eq(roomMembers.userId, actor.id), inArray(rooms.kind, ["club", "dm"])))
      .orderBy(desc(roomMembers.joinedAt))
      .limit(MAX_DIRECT + 50),
    ctx.db
      .select({ id: users.id, displayName: users.displayName, name: clubProfiles.name })
      .from(users)
      .leftJoin(clubProfiles, eq(clubProfiles.userId, users.id))
      .where(
        and(
          eq(users.role, "club"),
          or(
            eq(users.id, actor.id),
            inArray(
              users.id,
              ctx.db
                .select({ id: clubOfficers.clubId })
                .from(clubOfficers)
                .where(eq(clubOfficers.userId, actor.id)),
            ),
          ),
        ),
      ),
  ]);

  const listed = new Map<string, Omit<RoomListing, "online" | "lastMessageAt">>();
  for (const room of shared) listed.set(room.id, { ...room, peer: null });
  // Clubs the user runs are listed even before anyone has opened their room.
  for (const club of clubs) {
    const id = `club:${club.id}`;
    listed.set(id, { id, kind: "club", title: club.name || club.displayName, peer: null });
  }
  const direct = joined.filter((room) => room.kind === "dm").slice(0, MAX_DIRECT);
  for (const room of joined) if (room.kind === "club") listed.set(room.id, { ...room, peer: null });

  const peerIds = direct.map((room) => {
    const parsed = parseRoomId(room.id);
    if (parsed?.kind !== "dm") return "";
    const [a, b] = parsed.userIds;
    return a === actor.id ? b : a;
  });
  const peers = peerIds.length
    ? await ctx.db
        .select({ userId: users.id, displayName: users.displayName })
        .from(users)
        .where(inJsonList(users.id, peerIds))
    : [];
  const byId = new Map(peers.map((p) => [p.userId, p]));
  direct.forEach((room, i) => {
    const peer = byId.get(peerIds[i] ?? "");
    if (peer) listed.set(room.id, { ...room, title: peer.displayName, peer });
  });

  const all = [...listed.values()];
  const stats = await Promise.all(
    all.map((room) =>
      roomOf(ctx.env, room.id)
        .stats()
        .catch(() => ({ online: 0, lastMessageAt: null })),
    ),
  );
  return all.map((room, i) => {
    const live = stats[i];
    return {
      ...room,
      online: live?.online ?? 0,
      lastMessageAt: live?.lastMessageAt ? new Date(live.lastMessageAt).toISOString() : null,
    };
  });
}
