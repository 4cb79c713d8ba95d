import { env } from "cloudflare:test";
import { createDb } from "../../worker/src/db/client";
import { createSession } from "../../worker/src/identity/services/sessions";
import { call, json } from "./http";

/** What the atas-link tests share: people and relations written straight to D1 (they need many, quickly), and uploads. */

export interface Person {
  id: string;
  cookie: string;
  campusId: string | null;
}

export interface PersonFields {
  name?: string;
  role?: "student" | "admin";
  bio?: string;
  /** A campus given is a verified one. */
  campusId?: string | null;
  /** When the account was made (ms); default 0, an old account. */
  createdAt?: number;
}

/** A person with a session, written straight to D1. */
export async function person(fields: PersonFields = {}): Promise<Person> {
  const id = crypto.randomUUID();
  const campusId = fields.campusId ?? null;
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, bio, campus_id, campus_verified, created_at, updated_at) values (?, ?, 'x', ?, ?, ?, ?6, ?6 is not null, ?7, ?7)",
  )
    .bind(
      id,
      `${id}@link.test`,
      fields.name ?? "Link User",
      fields.role ?? "student",
      fields.bio ?? "",
      campusId,
      fields.createdAt ?? 0,
    )
    .run();
  const { token } = await createSession(createDb(env.DB), id, "test");
  return { id, cookie: `atas_session=${token}`, campusId };
}

/**
 * A reporter whose report weighs 1 (a verified campus account older than a week), so that
 * `REPORT_THRESHOLD` of them hide a note, as moderation tests need.
 */
export function credibleReporter(name = "Reporter"): Promise<Person> {
  return person({ name, campusId: "um" });
}

/** A throwaway: unverified and made just now, whose report weighs least. */
export function freshAccount(name = "Throwaway"): Promise<Person> {
  return person({ name, createdAt: Date.now() });
}

/** Follows written to D1 (counts kept by the triggers), without the API's merge into timelines. */
export async function follow(follower: Person, ...followees: Person[]) {
  for (const followee of followees)
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

/** The `n` of a `select count(*) as n …` query. */
export async function count(query: string, ...binds: string[]): Promise<number> {
  const row = await env.DB.prepare(query)
    .bind(...binds)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * A PNG header for a `width`×`height` image, `extra` bytes longer: enough for the upload's
 * magic-byte check and size reader.
 */
export function png(width = 2, height = 2, extra = 0): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(33 + extra);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

/** Uploads a small PNG as `owner`'s note image through the API; its id, for a note's `imageIds`. */
export async function uploadedImage(owner: Person): Promise<string> {
  const form = new FormData();
  form.append("original", new File([png()], "photo", { type: "image/png" }));
  const { image } = await json<{ image: { id: string } }>(
    await call("/api/note-images", { cookie: owner.cookie, body: form }),
    201,
  );
  return image.id;
}

/** A PUT as `who`, as their page would send it. */
export const put = (path: string, who: Person) => call(path, { method: "PUT", cookie: who.cookie });
/** A DELETE as `who`, as their page would send it. */
export const del = (path: string, who: Person) => call(path, { method: "DELETE", cookie: who.cookie });
