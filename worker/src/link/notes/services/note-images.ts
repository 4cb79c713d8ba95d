import { and, asc, eq, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import type { ActionContext } from "../../../shared/context";
import {
  BadRequest,
  NotFound,
  PayloadTooLarge,
  RateLimited,
  Unauthorized,
  UnsupportedMediaType,
} from "../../../shared/errors";
import { boundedImageSize, sniffImageType } from "../../../shared/image-header";
import { enforce } from "../../../shared/rate-limit";
import { type NoteImage, noteImages, notes } from "../schema";
import { canSee } from "./visibility";

export const NOTE_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const NOTE_DISPLAY_MAX_BYTES = 500 * 1024;
export const NOTE_IMAGE_VARIANTS = ["display", "original"] as const;
export type NoteImageVariant = (typeof NOTE_IMAGE_VARIANTS)[number];

export const noteImageUrl = (id: string, variant: NoteImageVariant) => `/api/note-images/${id}/${variant}`;

/** The columns `toImageView` needs, with the note each image belongs to, for selecting a page's images. */
export const imageViewColumns = {
  noteId: noteImages.noteId,
  id: noteImages.id,
  width: noteImages.width,
  height: noteImages.height,
};

export function toImageView(image: Pick<NoteImage, "id" | "width" | "height">) {
  return {
    id: image.id,
    width: image.width,
    height: image.height,
    displayUrl: noteImageUrl(image.id, "display"),
    originalUrl: noteImageUrl(image.id, "original"),
  };
}

/** Bytes one account may store in note images in any 24 hours (originals and display copies). */
export const NOTE_IMAGE_DAILY_BYTES = 100 * 1024 * 1024;
const DAY_MS = 86_400_000;

function checkedImage(bytes: Uint8Array, limit: number, what: string) {
  if (bytes.byteLength === 0) throw new BadRequest(`The ${what} image is empty.`, { field: what });
  if (bytes.byteLength > limit) throw new PayloadTooLarge(limit);
  // The type comes from the bytes, never from the client's Content-Type.
  const type = sniffImageType(bytes);
  if (!type) throw new UnsupportedMediaType(`The ${what} image must be PNG, JPEG, WebP or GIF.`);
  return { type, size: boundedImageSize(bytes, what) };
}

/** Bytes the owner stored in the 24 hours before `now`; a display copy that is the original counts once. */
const storedSince = (ownerId: string, now: number) => sql`(
  select coalesce(sum(bytes + case when display_key = key then 0 else display_bytes end), 0)
  from note_images where owner_id = ${ownerId} and created_at > ${now - DAY_MS})`;

/** 429 until enough of the day's uploads age out; the earliest one leaving is the soonest that can help. */
async function quotaRefusal(ctx: ActionContext, ownerId: string, now: number) {
  const oldest = await ctx.db
    .select({ at: sql<number | null>`min(${noteImages.createdAt})` })
    .from(noteImages)
    .where(and(eq(noteImages.ownerId, ownerId), gt(noteImages.createdAt, now - DAY_MS)))
    .get();
  return new RateLimited(((oldest?.at ?? now) + DAY_MS - now) / 1000, "image-quota");
}

/**
 * Stores one image: the original (≤ 5 MB) and the display version the browser made (≤ 500 KB).
 * Without a display version, an original already small enough serves as its own. Both must say
 * their size and stay within the bounds of `shared/image-header.ts`. Per account: 60 uploads an
 * hour and 100 MB a day; the quota is checked again in the insert itself, so parallel uploads
 * cannot together pass it (a refused upload's objects are deleted).
 */
export async function uploadNoteImage({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { original: Uint8Array; display: Uint8Array | null };
}) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const original = checkedImage(input.original, NOTE_IMAGE_MAX_BYTES, "original");
  let display = input.display;
  if (!display) {
    if (input.original.byteLength > NOTE_DISPLAY_MAX_BYTES)
      throw new BadRequest("Send a display version of at most 500 KB with a large image.", {
        field: "display",
      });
    display = input.original;
  }
  const shown = checkedImage(display, NOTE_DISPLAY_MAX_BYTES, "display");
  await enforce(ctx.env, "noteImageUser", actor.id);

  const now = Date.now();
  const stored = input.original.byteLength + (input.display ? display.byteLength : 0);
  const used = await ctx.db.get<{ n: number }>(sql`select ${storedSince(actor.id, now)} as n`);
  if ((used?.n ?? 0) + stored > NOTE_IMAGE_DAILY_BYTES) throw await quotaRefusal(ctx, actor.id, now);

  const key = `notes/${actor.id}/${crypto.randomUUID()}`;
  const displayKey = input.display ? `notes/${actor.id}/${crypto.randomUUID()}` : key;
  await ctx.env.UPLOADS.put(key, input.original, { httpMetadata: { contentType: original.type } });
  if (displayKey !== key)
    await ctx.env.UPLOADS.put(displayKey, display, { httpMetadata: { contentType: shown.type } });
  const id = crypto.randomUUID();
  const { width, height } = original.size;
  const inserted = await ctx.db.all<{ id: string }>(sql`
    insert into note_images (id, owner_id, key, content_type, display_key, display_content_type,
      width, height, bytes, display_bytes, created_at)
    select ${id}, ${actor.id}, ${key}, ${original.type}, ${displayKey}, ${shown.type},
      ${width}, ${height}, ${input.original.byteLength}, ${display.byteLength}, ${now}
    where ${storedSince(actor.id, now)} + ${stored} <= ${NOTE_IMAGE_DAILY_BYTES}
    returning id`);
  if (inserted.length === 0) {
    await ctx.env.UPLOADS.delete([...new Set([key, displayKey])]);
    throw await quotaRefusal(ctx, actor.id, now);
  }
  return toImageView({ id, width, height });
}

/**
 * An image is visible to whoever may see its note; before it is attached, to its owner alone.
 * Served with the sniffed type, nosniff and a sandboxing CSP, so it can never run as a page.
 */
export async function readNoteImage({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; variant: NoteImageVariant };
}) {
  const image = await ctx.db.select().from(noteImages).where(eq(noteImages.id, input.id)).get();
  if (!image) throw new NotFound();
  if (image.noteId === null) {
    if (ctx.actor?.id !== image.ownerId) throw new NotFound();
  } else {
    const note = await ctx.db.select().from(notes).where(eq(notes.id, image.noteId)).get();
    if (!note || !(await canSee(ctx, ctx.actor, note))) throw new NotFound();
  }
  const key = input.variant === "original" ? image.key : image.displayKey;
  const object = await ctx.env.UPLOADS.get(key);
  if (!object) throw new NotFound();
  return new Response(object.body, {
    headers: {
      "content-type": input.variant === "original" ? image.contentType : image.displayContentType,
      "content-length": String(object.size),
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "content-disposition": "inline",
      // Keys never change, so the bytes are immutable; private because who may see them can change.
      "cache-control": "private, max-age=31536000, immutable",
    },
  });
}

/** An upload not on a note after this long was abandoned (the composer posts within minutes). */
export const UNATTACHED_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;
/** Rows per page (up to twice as many R2 keys, within one R2 delete's limit of 1000). */
const SWEEP_PAGE = 100;
/** Pages per run: the feeds cron comes back in ten minutes for the rest. */
const SWEEP_PAGES = 10;

/**
 * Removes uploads that never made it onto a note, older than a day: rows first, then their R2
 * objects. The delete is conditional on `note_id is null` in the same statement that picks the
 * rows, so an image attached meanwhile is never touched; only rows this statement actually deleted
 * (RETURNING) lose their objects. A crash between the two leaves unreachable objects, never a note
 * with a missing image.
 */
export async function sweepUnattachedImages(ctx: ActionContext, now: number) {
  const { db } = ctx;
  const cutoff = now - UNATTACHED_UPLOAD_TTL_MS;
  let images = 0;
  let objects = 0;
  for (let page = 0; page < SWEEP_PAGES; page++) {
    const oldest = db
      .select({ id: noteImages.id })
      .from(noteImages)
      .where(and(isNull(noteImages.noteId), lt(noteImages.createdAt, cutoff)))
      .orderBy(asc(noteImages.createdAt))
      .limit(SWEEP_PAGE);
    const removed = await db
      .delete(noteImages)
      .where(and(inArray(noteImages.id, oldest), isNull(noteImages.noteId)))
      .returning({ key: noteImages.key, displayKey: noteImages.displayKey });
    // An image without a display version uses its original for both keys.
    const keys = [...new Set(removed.flatMap((image) => [image.key, image.displayKey]))];
    if (keys.length) await ctx.env.UPLOADS.delete(keys);
    images += removed.length;
    objects += keys.length;
    if (removed.length < SWEEP_PAGE) break;
  }
  return { images, objects };
}
