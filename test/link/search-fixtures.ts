import { env } from "cloudflare:test";
import { createDb } from "../../worker/src/db/client";
import { createSession } from "../../worker/src/identity/services/sessions";
import { parseTopics } from "../../worker/src/link/services/notes-text";

/** Fixtures for the search, topic-page and trending tests: rows written straight to D1, quickly. */

export interface Person {
  id: string;
  cookie: string;
  campusId: string | null;
}

export async function person(
  options: { name?: string; bio?: string; campusId?: string | null } = {},
): Promise<Person> {
  const id = crypto.randomUUID();
  const campusId = options.campusId ?? null;
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, bio, campus_id, campus_verified, created_at, updated_at) values (?, ?, 'x', ?, 'student', ?, ?5, ?5 is not null, 0, 0)",
  )
    .bind(id, `${id}@search.test`, options.name ?? "Search User", options.bio ?? "", campusId)
    .run();
  const { token } = await createSession(createDb(env.DB), id, "test");
  return { id, cookie: `atas_session=${token}`, campusId };
}

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

export async function follow(follower: Person, followee: Person) {
  await env.DB.prepare("insert into follows (follower_id, followee_id, created_at) values (?, ?, ?)")
    .bind(follower.id, followee.id, Date.now())
    .run();
}

export async function block(blocker: Person, blocked: Person) {
  await env.DB.prepare("insert into blocks (blocker_id, blocked_id, created_at) values (?, ?, 0)")
    .bind(blocker.id, blocked.id)
    .run();
}

export async function mute(muter: Person, muted: Person) {
  await env.DB.prepare("insert into mutes (muter_id, muted_id, created_at) values (?, ?, 0)")
    .bind(muter.id, muted.id)
    .run();
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

export async function json<T>(response: Response, status = 200): Promise<T> {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** A PNG header: enough for the upload's magic-byte check and size reader. */
export function png(width = 2, height = 2): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}
