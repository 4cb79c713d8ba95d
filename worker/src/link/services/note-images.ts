import { and, asc, eq, inArray, isNull, lt } from "drizzle-orm";
import { sniffImageType } from "../../profiles/services/avatar";
import type { ActionContext } from "../../shared/context";
import {
  BadRequest,
  NotFound,
  PayloadTooLarge,
  Unauthorized,
  UnsupportedMediaType,
} from "../../shared/errors";
import { type NoteImage, noteImages, notes } from "../notes-schema";
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

function checkedImage(bytes: Uint8Array, limit: number, what: string) {
  if (bytes.byteLength === 0) throw new BadRequest(`The ${what} image is empty.`, { field: what });
  if (bytes.byteLength > limit) throw new PayloadTooLarge(limit);
  // The type comes from the bytes, never from the client's Content-Type.
  const type = sniffImageType(bytes);
  if (!type) throw new UnsupportedMediaType(`The ${what} image must be PNG, JPEG, WebP or GIF.`);
  return type;
}

/**
 * Stores one image: the original (≤ 5 MB) and the display version the browser made (≤ 500 KB).
 * Without a display version, an original already small enough serves as its own.
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
  const contentType = checkedImage(input.original, NOTE_IMAGE_MAX_BYTES, "original");
  let display = input.display;
  if (!display) {
    if (input.original.byteLength > NOTE_DISPLAY_MAX_BYTES)
      throw new BadRequest("Send a display version of at most 500 KB with a large image.", {
        field: "display",
      });
    display = input.original;
  }
  const displayContentType = checkedImage(display, NOTE_DISPLAY_MAX_BYTES, "display");
  const size = imageSize(input.original) ?? imageSize(display);

  const key = `notes/${actor.id}/${crypto.randomUUID()}`;
  const displayKey = input.display ? `notes/${actor.id}/${crypto.randomUUID()}` : key;
  await ctx.env.UPLOADS.put(key, input.original, { httpMetadata: { contentType } });
  if (displayKey !== key)
    await ctx.env.UPLOADS.put(displayKey, display, { httpMetadata: { contentType: displayContentType } });
  const image = await ctx.db
    .insert(noteImages)
    .values({
      ownerId: actor.id,
      key,
      contentType,
      displayKey,
      displayContentType,
      width: size?.width ?? null,
      height: size?.height ?? null,
      bytes: input.original.byteLength,
      displayBytes: display.byteLength,
    })
    .returning()
    .get();
  return toImageView(image);
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

/** Pixel size read from the image header (PNG, GIF, WebP, JPEG), or null when it cannot be found. */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  const b = (i: number) => bytes[i] ?? 0;
  const be16 = (i: number) => (b(i) << 8) | b(i + 1);
  const le16 = (i: number) => b(i) | (b(i + 1) << 8);
  const le24 = (i: number) => b(i) | (b(i + 1) << 8) | (b(i + 2) << 16);
  const type = sniffImageType(bytes);
  if (type === "image/png" && bytes.byteLength >= 24)
    return { width: (be16(16) << 16) | be16(18), height: (be16(20) << 16) | be16(22) };
  if (type === "image/gif" && bytes.byteLength >= 10) return { width: le16(6), height: le16(8) };
  if (type === "image/webp" && bytes.byteLength >= 30) {
    const chunk = String.fromCharCode(b(12), b(13), b(14), b(15));
    if (chunk === "VP8 ") return { width: le16(26) & 0x3fff, height: le16(28) & 0x3fff };
    if (chunk === "VP8L")
      return {
        width: 1 + (((b(22) & 0x3f) << 8) | b(21)),
        height: 1 + (((b(24) & 0x0f) << 10) | (b(23) << 2) | ((b(22) & 0xc0) >> 6)),
      };
    if (chunk === "VP8X") return { width: 1 + le24(24), height: 1 + le24(27) };
    return null;
  }
  if (type === "image/jpeg") {
    let i = 2;
    while (i + 9 < bytes.byteLength) {
      if (b(i) !== 0xff) return null;
      const marker = b(i + 1);
      // Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { width: be16(i + 7), height: be16(i + 5) };
      i += 2 + be16(i + 2);
    }
  }
  return null;
}
