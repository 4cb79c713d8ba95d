import { eq } from "drizzle-orm";
import { users } from "../../identity/schema";
import type { ActionContext } from "../../shared/context";
import { NotFound, PayloadTooLarge, Unauthorized, UnsupportedMediaType } from "../../shared/errors";
import { boundedImageSize, sniffImageType } from "../../shared/image-header";
import { enforce } from "../../shared/rate-limit";

export const AVATAR_MAX_BYTES = 1024 * 1024;

export async function uploadAvatar({ ctx, input }: { ctx: ActionContext; input: { bytes: Uint8Array } }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  await enforce(ctx.env, "avatarUser", actor.id);
  if (input.bytes.byteLength > AVATAR_MAX_BYTES) throw new PayloadTooLarge(AVATAR_MAX_BYTES);
  const type = sniffImageType(input.bytes);
  if (!type) throw new UnsupportedMediaType("Avatars must be PNG, JPEG, WebP or GIF images.");
  boundedImageSize(input.bytes, "avatar");
  const key = `avatars/${actor.id}/${crypto.randomUUID()}`;
  await ctx.env.UPLOADS.put(key, input.bytes, { httpMetadata: { contentType: type } });
  await ctx.db.update(users).set({ avatarKey: key, updatedAt: Date.now() }).where(eq(users.id, actor.id));
  if (actor.avatarKey) await ctx.env.UPLOADS.delete(actor.avatarKey);
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
