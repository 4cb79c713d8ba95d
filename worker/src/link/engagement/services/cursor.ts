import { z } from "zod";
import { decodeCursor as decodeOpaque, encodeCursor as encodeOpaque } from "../../../shared/cursor";

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
