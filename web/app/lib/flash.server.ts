/**
 * A one-shot message for the page a redirect lands on (no session store needed): set with the
 * redirect, read and cleared by that page's loader. HttpOnly, so only our server reads it.
 */
const NAME = "atas_flash";

export interface Flash {
  /** The page it is meant for, e.g. /invitations/<id>. */
  path: string;
  reason: string;
}

export function setFlash(flash: Flash): string {
  const value = encodeURIComponent(JSON.stringify({ ...flash, reason: flash.reason.slice(0, 300) }));
  return `${NAME}=${value}; Path=/; Max-Age=120; HttpOnly; SameSite=Lax`;
}

export const CLEAR_FLASH = `${NAME}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`;

/** The flash for `path`, if the request carries one. */
export function readFlash(request: Request, path: string): Flash | null {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const index = part.indexOf("=");
    if (part.slice(0, index).trim() !== NAME) continue;
    try {
      const flash = JSON.parse(decodeURIComponent(part.slice(index + 1).trim())) as Partial<Flash>;
      if (flash.path === path && typeof flash.reason === "string") return { path, reason: flash.reason };
    } catch {
      return null;
    }
  }
  return null;
}
