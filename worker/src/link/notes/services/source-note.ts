import { eq } from "drizzle-orm";
import { type User, users } from "../../../identity/schema";
import type { SourceNote } from "../../../pro";
import type { ActionContext } from "../../../shared/context";
import { notes } from "../schema";
import { canSee } from "./visibility";

/**
 * "Ask this expert": a note as the source of an invitation, if `viewer` may see it (`canSee`) and
 * it is not hidden by moderation (not even its author or an admin may start from a hidden note).
 * `experts` lists the note's author when an expert; an event note adds the experts it features.
 */
export async function noteAsSource(
  ctx: ActionContext,
  viewer: User,
  noteId: string,
): Promise<SourceNote | null> {
  const row = await ctx.db
    .select({ note: notes, authorRole: users.role })
    .from(notes)
    .innerJoin(users, eq(users.id, notes.authorId))
    .where(eq(notes.id, noteId))
    .get();
  if (!row || row.note.hiddenAt !== null || !(await canSee(ctx, viewer, row.note))) return null;
  return {
    id: row.note.id,
    title: row.note.title,
    body: row.note.body,
    experts: row.authorRole === "expert" ? [row.note.authorId] : [],
  };
}
