import { and, eq, isNull, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { isCampusMember, memberCampus } from "../../../identity";
import type { User } from "../../../identity/schema";
/** Blocks live with the network (network/services/edges.ts); one query serves both products. */
import { isBlockedEitherWay as blockedEitherWay } from "../../../network";
import type { ActionContext } from "../../../shared/context";
import { NotFound } from "../../../shared/errors";
import { follows } from "../../engagement/schema";
import { type Note, notes } from "../schema";

export { blockedEitherWay };

/** Whether `follower` follows `followee` (one primary-key lookup). */
export async function isFollowing(ctx: ActionContext, follower: string, followee: string): Promise<boolean> {
  const row = await ctx.db
    .select({ one: sql<number>`1` })
    .from(follows)
    .where(and(eq(follows.followerId, follower), eq(follows.followeeId, followee)))
    .get();
  return row !== undefined;
}

/**
 * The one rule for who sees a note by its id; anything it refuses is answered as 404, never 403.
 * A note hidden by moderation stays visible to its author (marked) and to admins reviewing it.
 */
export async function canSee(
  ctx: ActionContext,
  viewer: User | null,
  note: Pick<Note, "authorId" | "campusId" | "visibility" | "hiddenAt">,
): Promise<boolean> {
  if (viewer?.id === note.authorId || viewer?.role === "admin") return true;
  if (note.hiddenAt !== null) return false;
  if (viewer && (await blockedEitherWay(ctx, viewer.id, note.authorId))) return false;
  switch (note.visibility) {
    case "public":
      return true;
    case "campus":
      return viewer !== null && note.campusId !== null && isCampusMember(viewer, note.campusId);
    case "followers":
      return viewer !== null && (await isFollowing(ctx, viewer.id, note.authorId));
    case "private":
      return false;
    default: {
      const never: never = note.visibility;
      return never;
    }
  }
}

/**
 * A note the actor may see (`canSee`: visibility and blocks both ways). Anything else is a 404, so
 * a blocked person learns nothing about the note.
 */
export async function visibleNote(ctx: ActionContext, actor: User, noteId: string): Promise<Note> {
  const note = await ctx.db.select().from(notes).where(eq(notes.id, noteId)).get();
  if (!note || !(await canSee(ctx, actor, note))) throw new NotFound("No such note.");
  return note;
}

/**
 * The same rule as `canSee`, as one SQL condition on `notes`, for every list of other people's
 * notes (feeds, search, topic pages, boards). Lists also leave out authors the viewer muted and
 * notes hidden by moderation (even for admins: they review those in the queue).
 */
export function listedNotes(viewer: Pick<User, "id" | "campusId" | "campusVerified"> | null): SQL {
  if (!viewer) return and(isNull(notes.hiddenAt), eq(notes.visibility, "public")) as SQL;
  return listedNotesTo({ id: viewer.id, campusId: memberCampus(viewer) });
}

/**
 * `listedNotes` with the viewer given as SQL, e.g. the columns of a follower row, so one query can
 * ask it for many viewers at once (fan-out picks the followers who may see a new note).
 */
export function listedNotesTo(viewer: {
  id: string | SQLWrapper;
  /** The viewer's verified campus (`memberCampus`), or SQL giving it. */
  campusId: string | SQLWrapper | null;
}): SQL {
  const seen = or(
    eq(notes.authorId, viewer.id),
    eq(notes.visibility, "public"),
    viewer.campusId ? and(eq(notes.visibility, "campus"), eq(notes.campusId, viewer.campusId)) : undefined,
    and(
      eq(notes.visibility, "followers"),
      sql`exists (select 1 from follows f where f.follower_id = ${viewer.id} and f.followee_id = ${notes.authorId})`,
    ),
  );
  return and(
    isNull(notes.hiddenAt),
    seen,
    sql`not exists (select 1 from blocks b where (b.blocker_id = ${viewer.id} and b.blocked_id = ${notes.authorId}) or (b.blocker_id = ${notes.authorId} and b.blocked_id = ${viewer.id}))`,
    sql`not exists (select 1 from mutes m where m.muter_id = ${viewer.id} and m.muted_id = ${notes.authorId})`,
  ) as SQL;
}
