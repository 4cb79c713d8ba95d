import { eq } from "drizzle-orm";
import { users } from "../../identity/schema";
import type { ActionContext } from "../../shared/context";
import { NotFound, PayloadTooLarge, Unauthorized, UnsupportedMediaType } from "../../shared/errors";
import { enforce } from "../../shared/rate-limit";
import { invalidateProfile } from "./profile-cache";

export const AVATAR_MAX_BYTES = 1024 * 1024;

/** The type comes from the bytes, never from the client's Content-Type. */
export function sniffImageType(
  bytes: Uint8Array,
): "image/png" | "image/jpeg" | "image/webp" | "image/gif" | null {
  const at = (i: number) => bytes[i] ?? -1;
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return "image/png";
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return "image/jpeg";
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38) return "image/gif";
  const riff = String.fromCharCode(at(0), at(1), at(2), at(3));
  const webp = String.fromCharCode(at(8), at(9), at(10), at(11));
  if (riff === "RIFF" && webp === "WEBP") return "image/webp";
  return null;
}

export async function uploadAvatar({ ctx, input }: { ctx: ActionContext; input: { bytes: Uint8Array } }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  await enforce(ctx.env, "avatarUser", actor.id);
  if (input.bytes.byteLength > AVATAR_MAX_BYTES) throw new PayloadTooLarge(AVATAR_MAX_BYTES);
  const type = sniffImageType(input.bytes);
  if (!type) throw new UnsupportedMediaType("Avatars must be PNG, JPEG, WebP or GIF images.");
  const key = `avatars/${actor.id}/${crypto.randomUUID()}`;
  await ctx.env.UPLOADS.put(key, input.bytes, { httpMetadata: { contentType: type } });
  await ctx.db.update(users).set({ avatarKey: key, updatedAt: Date.now() }).where(eq(users.id, actor.id));
  if (actor.avatarKey) await ctx.env.UPLOADS.delete(actor.avatarKey);
  await invalidateProfile(ctx, actor.id);
  return { key };
}

/** Served with the sniffed type, nosniff and a CSP that forbids everything, so it can never run as a page. */
export async function readAvatar({ ctx, input }: { ctx: ActionContext; input: { key: string } }) {
  if (!/^avatars\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/.test(input.key)) throw new NotFound();
  const object = await ctx.env.UPLOADS.get(input.key);
  if (!object) throw new NotFound();
  return new Response(object.body, {
    headers: {
      "content-type": object.httpMetadata?.contentType ?? "application/octet-stream",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "content-disposition": "inline",
      "cache-control": "public, max-age=31536000, immutable",
    },
  });
}
