import { eq } from "drizzle-orm";
import { z } from "zod";
import type { User } from "../../identity/schema";
import { notify } from "../../notifications";
import type { ActionContext } from "../../shared/context";
import { decodeCursor as decodeOpaque, encodeCursor as encodeOpaque } from "../../shared/cursor";
import { NotFound } from "../../shared/errors";
import { type Note, notes } from "../notes-schema";
import { canSee } from "./visibility";

/**
 * A note the actor may see (the notes side's `canSee`: visibility and blocks both ways). Anything
 * else is a 404, so a blocked person learns nothing about the note.
 */
export async function visibleNote(ctx: ActionContext, actor: User, noteId: string): Promise<Note> {
  const note = await ctx.db.select().from(notes).where(eq(notes.id, noteId)).get();
  if (!note || !(await canSee(ctx, actor, note))) throw new NotFound("No such note.");
  return note;
}

/** Store-and-push through notifications/, in the argument order link's callers use. */
export function tell(
  ctx: ActionContext,
  userId: string,
  type: string,
  text: string,
  invitationId: string | null = null,
  dedupeKey: string | null = null,
): Promise<void> {
  return notify(ctx, userId, { type, text }, { invitationId, dedupeKey });
}

/** `created_at` and id, so pages of equal timestamps neither skip nor repeat rows. */
export interface Cursor {
  at: number;
  id: string;
}

const CursorSchema = z.object({ at: z.number().int(), id: z.string().max(64) });

/** The shared opaque codec (shared/cursor.ts) for this shape. */
export function encodeCursor(cursor: Cursor): string {
  return encodeOpaque(cursor);
}

export function decodeCursor(raw: string | undefined): Cursor | null {
  return raw ? decodeOpaque(raw, CursorSchema) : null;
}
