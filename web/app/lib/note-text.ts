/** A note body cut into plain text, #topic and @mention pieces; every piece is rendered as text. */
export type NotePiece =
  | { kind: "text"; text: string }
  | { kind: "topic"; text: string; topic: string }
  | { kind: "mention"; text: string; userId: string };

const TOPIC = String.raw`(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_]{1,40})`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Splits a body the way the API reads it: `#topic` as in worker/src/link/notes/services/notes-text.ts,
 * and `@Display Name` only for the people the note actually mentions (the API resolved them to ids).
 * Longer names are tried first, so `@Ann Lee` wins over `@Ann`.
 */
export function notePieces(body: string, mentions: { id: string; displayName: string }[]): NotePiece[] {
  const named = [...mentions]
    .filter((m) => m.displayName)
    .sort((a, b) => b.displayName.length - a.displayName.length);
  const byName = new Map(named.map((m) => [m.displayName, m.id]));
  const mention = named.length ? `|@(${named.map((m) => escapeRegExp(m.displayName)).join("|")})` : "";
  const pattern = new RegExp(`${TOPIC}${mention}`, "gu");
  const pieces: NotePiece[] = [];
  let at = 0;
  for (const match of body.matchAll(pattern)) {
    const start = match.index ?? 0;
    if (start > at) pieces.push({ kind: "text", text: body.slice(at, start) });
    const [whole, topic, name] = match;
    const userId = name ? byName.get(name) : undefined;
    if (topic) pieces.push({ kind: "topic", text: whole, topic: topic.toLowerCase() });
    else if (userId) pieces.push({ kind: "mention", text: whole, userId });
    else pieces.push({ kind: "text", text: whole });
    at = start + whole.length;
  }
  if (at < body.length) pieces.push({ kind: "text", text: body.slice(at) });
  return pieces;
}

/**
 * The `@name` being typed just before the caret, if any: what the mention picker searches for.
 * Names have spaces ("@Mei Ling"), so the query runs to the caret within one line.
 */
export function mentionQuery(body: string, caret: number): { start: number; query: string } | null {
  const before = body.slice(0, caret);
  const match = /(?:^|\s)@([^\s@#][^\n@#]{0,29})$/u.exec(before);
  if (!match?.[1]) return null;
  return { start: caret - match[1].length - 1, query: match[1] };
}
