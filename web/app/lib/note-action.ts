import type { Problem } from "~/lib/api-types";

/** What the note page's action answers to each button (its fetchers read it). */
export interface NoteActionResult {
  intent: string;
  ok: boolean;
  problem?: Problem;
  board?: string;
}
