import { and, eq } from "drizzle-orm";
import { type User, users } from "../../../identity/schema";
import type { SourceNote } from "../../../pro";
import { invitations } from "../../../pro/schema";
import type { ActionContext } from "../../../shared/context";
import { events } from "../../events/schema";
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
  // An event note features its invitation's expert, when the expert agreed to be named.
  const featured = await ctx.db
    .select({ expertId: invitations.expertId })
    .from(events)
    .innerJoin(invitations, eq(invitations.id, events.invitationId))
    .where(and(eq(events.noteId, row.note.id), eq(invitations.expertNamedPublicly, true)))
    .get();
  return {
    id: row.note.id,
    title: row.note.title,
    body: row.note.body,
    experts: [
      ...(row.authorRole === "expert" ? [row.note.authorId] : []),
      ...(featured ? [featured.expertId] : []),
    ],
  };
}
