import type { User } from "../../identity/schema";
import type { ActionContext } from "../../shared/context";
import { BadRequest } from "../../shared/errors";

/** A note an invitation is started from ("Ask this expert"), as the viewer may see it. */
export interface SourceNote {
  id: string;
  title: string;
  body: string;
  /** The experts the note is about: its author if an expert, and the experts an event note features. */
  experts: string[];
}

/**
 * Finds a note for a viewer under atas-link's one visibility rule (visibility, hiding, blocks both
 * ways), or null when there is none they may see. atas-link sits above atas-pro, so pro cannot ask
 * it directly: the app hands link's answer in when it mounts the invitation routes (app.ts).
 */
export type SourceNoteLookup = (
  ctx: ActionContext,
  viewer: User,
  noteId: string,
) => Promise<SourceNote | null>;

/**
 * The note a new invitation to `expertId` may name as its source: one the actor may see, by or
 * about that expert. A note they may not see (or that does not exist) is refused with one answer
 * that says nothing about it, not even whether it exists.
 */
export async function sourceNoteFor(
  ctx: ActionContext,
  lookup: SourceNoteLookup,
  actor: User,
  noteId: string,
  expertId: string,
): Promise<SourceNote> {
  const note = await lookup(ctx, actor, noteId);
  if (!note) throw new BadRequest("No note you can see has this id.", { field: "sourceNoteId" });
  if (!note.experts.includes(expertId))
    throw new BadRequest("The note is not by or about this expert.", { field: "sourceNoteId" });
  return note;
}
