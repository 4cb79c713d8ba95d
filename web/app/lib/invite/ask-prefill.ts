import type { Translate } from "~/lib/i18n";

/** The invitation schema's limits (worker/src/pro/routes/invitation-schemas.ts). */
const TITLE_MAX = 140;
const AGENDA_MAX = 4000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `?note=<id>` when it looks like a note id; anything else is ignored (the API checks the rest). */
export function askedNoteId(url: URL): string | null {
  const id = url.searchParams.get("note");
  return id && UUID.test(id) ? id : null;
}

function clip(text: string, max: number): string {
  const chars = [...text.trim()];
  if (chars.length <= max) return chars.join("");
  return `${chars
    .slice(0, max - 1)
    .join("")
    .trimEnd()}…`;
}

/**
 * "Ask this expert" from a note: a talk titled after the note ("Re: …", within the title's limit)
 * with the note's text as the agenda (within the agenda's limit; the title when the note has none).
 */
export function askPrefill(note: { title: string; body: string }, t: Translate) {
  const prefixLength = [...t("ask.titlePrefix", { title: "" })].length;
  const title = t("ask.titlePrefix", { title: clip(note.title, TITLE_MAX - prefixLength) });
  const body = note.body.trim() || note.title;
  return { kind: "talk" as const, title: clip(title, TITLE_MAX), agenda: clip(body, AGENDA_MAX) };
}
