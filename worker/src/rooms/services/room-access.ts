import { and, eq } from "drizzle-orm";
import { clubOfficers } from "../../clubs/schema";
import { isCampusMember } from "../../identity";
import { campuses, type User, users } from "../../identity/schema";
import { contactBetween, isBlockedEitherWay } from "../../network";
import { verifiedExperts } from "../../profiles";
import { clubProfiles } from "../../profiles/schema";
import type { RoomIdentity } from "../../realtime";
import { type ParsedRoomId, parseRoomId } from "../../realtime";
import { type ActionContext, me } from "../../shared/context";
import { Forbidden, NotFound } from "../../shared/errors";
import { type RoomMember, roomMembers, rooms } from "../schema";

/** A room the actor may be in: its D1 row (null if not created yet) and whether they run it. */
interface Eligibility {
  parsed: ParsedRoomId;
  exists: boolean;
  /** For a room created on first visit: its title. */
  title: string | null;
  /** Runs the room by office: the club account and its current officers. Only this makes a moderator. */
  runs: boolean;
  /** When posting ends for everyone (an expert–student direct room); null: no end. */
  writableUntil: number | null;
}

/**
 * Who may be in which room: a campus room holds that campus's people; topic rooms anyone signed in;
 * a club room the club, its officers and anyone who joins, except people the club blocked or who
 * blocked it; a direct room its two people. Anything else — and a direct room of others — is the
 * same 404 as a room that does not exist. The shared rooms put an expert's words in front of every
 * student there, so an expert enters them only once vetted (`expert-vetting.ts`); a direct room
 * follows the contact matrix instead.
 */
async function eligibility(ctx: ActionContext, actor: User, roomId: string): Promise<Eligibility> {
  const found = await roomFor(ctx, actor, roomId);
  if (
    found.parsed.kind !== "dm" &&
    actor.role === "expert" &&
    !(await verifiedExperts(ctx, [actor.id])).has(actor.id)
  )
    throw new Forbidden("Experts join rooms once verified.", "unverified-expert");
  return found;
}

async function roomFor(ctx: ActionContext, actor: User, roomId: string): Promise<Eligibility> {
  const missing = new NotFound("No such room.");
  const parsed = parseRoomId(roomId);
  if (!parsed) throw missing;
  const room = await ctx.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).get();
  const exists = room !== undefined;
  switch (parsed.kind) {
    case "campus": {
      if (!isCampusMember(actor, parsed.campusId) && actor.role !== "admin") throw missing;
      if (exists) return { parsed, exists, title: null, runs: false, writableUntil: null };
      // Campus rooms are seeded; a campus added later gets its room on first visit.
      const campus = await ctx.db
        .select({ name: campuses.name })
        .from(campuses)
        .where(eq(campuses.id, parsed.campusId))
        .get();
      if (!campus) throw missing;
      return { parsed, exists, title: campus.name, runs: false, writableUntil: null };
    }
    case "topic":
      if (!exists) throw missing;
      return { parsed, exists, title: null, runs: false, writableUntil: null };
    case "club": {
      const [club, officer] = await ctx.db.batch([
        ctx.db
          .select({ displayName: users.displayName, name: clubProfiles.name })
          .from(users)
          .leftJoin(clubProfiles, eq(clubProfiles.userId, users.id))
          .where(and(eq(users.id, parsed.clubId), eq(users.role, "club")))
          .limit(1),
        ctx.db
          .select({ clubId: clubOfficers.clubId })
          .from(clubOfficers)
          .where(and(eq(clubOfficers.clubId, parsed.clubId), eq(clubOfficers.userId, actor.id)))
          .limit(1),
      ]);
      const found = club[0];
      if (!found || (await isBlockedEitherWay(ctx, actor.id, parsed.clubId))) throw missing;
      return {
        parsed,
        exists,
        title: found.name || found.displayName,
        runs: actor.id === parsed.clubId || officer.length > 0,
        writableUntil: null,
      };
    }
    case "dm": {
      if (!exists || !parsed.userIds.includes(actor.id)) throw missing;
      const other = parsed.userIds[0] === actor.id ? parsed.userIds[1] : parsed.userIds[0];
      // The matrix answers a block as no contact at all; an expert–student room outside its
      // invitation window stays readable, read-only for both.
      const contact = await contactBetween(ctx, actor, other);
      if (!contact) throw missing;
      return { parsed, exists, title: null, runs: false, writableUntil: contact.writableUntil };
    }
    default: {
      const unknown: never = parsed;
      throw new Error(`unknown room kind ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Lets the actor into a room, joining it on the first visit when they are eligible (a direct room
 * is joined only by being one of its two people). Returns the identity the room object will trust.
 */
export async function enterRoom({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { roomId: string };
}): Promise<RoomIdentity> {
  const actor = me(ctx);
  const { parsed, exists, title, runs, writableUntil } = await eligibility(ctx, actor, input.roomId);
  const selectMember = ctx.db
    .select()
    .from(roomMembers)
    .where(and(eq(roomMembers.roomId, input.roomId), eq(roomMembers.userId, actor.id)))
    .limit(1);
  let member: RoomMember | undefined;
  if (parsed.kind === "dm") {
    [member] = await selectMember;
  } else {
    // The stored role follows the office on each visit; moderation itself asks the office.
    const role = runs ? ("moderator" as const) : ("member" as const);
    const join = ctx.db
      .insert(roomMembers)
      .values({ roomId: input.roomId, userId: actor.id, role })
      .onConflictDoUpdate({ target: [roomMembers.roomId, roomMembers.userId], set: { role } });
    if (exists || title === null) {
      [, [member]] = await ctx.db.batch([join, selectMember]);
    } else {
      const create = ctx.db
        .insert(rooms)
        .values({ id: input.roomId, kind: parsed.kind, title })
        .onConflictDoNothing();
      [, , [member]] = await ctx.db.batch([create, join, selectMember]);
    }
  }
  if (!member) throw new NotFound("No such room.");
  return {
    roomId: input.roomId,
    userId: actor.id,
    displayName: actor.displayName,
    role: actor.role,
    moderator: actor.role === "admin" || runs,
    mutedUntil: member.mutedUntil,
    writableUntil,
  };
}

/**
 * Whether the actor moderates the room: admins every room they may see, otherwise only those who run
 * it by office now (an officer who left, was removed or blocked moderates no more, whatever role
 * their membership row kept). 404 if they may not see it.
 */
export async function moderates(ctx: ActionContext, roomId: string): Promise<boolean> {
  const actor = me(ctx);
  const { runs } = await eligibility(ctx, actor, roomId);
  return actor.role === "admin" || runs;
}
