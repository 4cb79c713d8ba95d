import { env } from "cloudflare:test";
import { parseTopics } from "../../../worker/src/link/notes/services/notes-text";
import { person as linkPerson, type Person, type PersonFields } from "../../support/link";

/** Fixtures for the search, topic-page and trending tests: rows written straight to D1, quickly. */

/** A person with a session, written straight to D1 (named "Search User" unless given a name). */
export const person = (fields: Omit<PersonFields, "role"> = {}) =>
  linkPerson({ ...fields, name: fields.name ?? "Search User" });

export type Visibility = "public" | "campus" | "followers" | "private";

export interface NoteFields {
  title?: string;
  body?: string;
  visibility?: Visibility;
  createdAt?: number;
  hidden?: boolean;
}

/** A note row, one image row and its #topic rows, as the notes service writes them. */
export function noteStatements(author: Person, fields: NoteFields = {}) {
  const id = crypto.randomUUID();
  const body = fields.body ?? "";
  const at = fields.createdAt ?? Date.now();
  return {
    id,
    statements: [
      env.DB.prepare(
        "insert into notes (id, author_id, campus_id, title, body, visibility, created_at, hidden_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
      ).bind(
        id,
        author.id,
        author.campusId,
        fields.title ?? "A note",
        body,
        fields.visibility ?? "public",
        at,
        fields.hidden ? at : null,
      ),
      // Every note has at least one image (the notes API requires it); the bytes are never read here.
      env.DB.prepare(
        "insert into note_images (id, owner_id, key, content_type, display_key, display_content_type, width, height, bytes, display_bytes, created_at, note_id, position) values (?, ?, ?, 'image/png', ?, 'image/png', 2, 2, 33, 33, ?, ?, 0)",
      ).bind(crypto.randomUUID(), author.id, `test/${id}`, `test/${id}-display`, at, id),
      ...parseTopics(body).map((topic) =>
        env.DB.prepare("insert into note_topics (note_id, topic, created_at) values (?, ?, ?)").bind(
          id,
          topic,
          at,
        ),
      ),
    ],
  };
}

export async function note(author: Person, fields: NoteFields = {}): Promise<string> {
  const { id, statements } = noteStatements(author, fields);
  await env.DB.batch(statements);
  return id;
}

export async function notes(author: Person, many: NoteFields[]): Promise<string[]> {
  const made = many.map((fields) => noteStatements(author, fields));
  await env.DB.batch(made.flatMap((m) => m.statements));
  return made.map((m) => m.id);
}

/** A word no other test uses: lowercase letters only, so it is one token. */
export function word(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) =>
    String.fromCharCode(97 + (b % 26)),
  ).join("");
}

/** Han characters no other test uses (random CJK Unified Ideographs). */
export function hanWord(length = 4): string {
  return Array.from(crypto.getRandomValues(new Uint16Array(length)), (n) =>
    String.fromCodePoint(0x4e00 + (n % 0x5000)),
  ).join("");
}
