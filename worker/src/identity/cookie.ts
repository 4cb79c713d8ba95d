import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../env";

const NAME = "atas_session";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * `__Host-` cookies must be Secure; browsers drop Secure cookies over plain http, so on a
 * loopback http origin (local dev only) the cookie loses the prefix and the Secure flag.
 */
function secureTransport(request: Request): boolean {
  const url = new URL(request.url);
  return url.protocol === "https:" || !LOOPBACK.has(url.hostname);
}

export function readSessionToken(c: Context<AppEnv>): string | undefined {
  return secureTransport(c.req.raw) ? getCookie(c, NAME, "host") : getCookie(c, NAME);
}

export function writeSessionCookie(c: Context<AppEnv>, token: string, maxAgeSeconds: number): void {
  const secure = secureTransport(c.req.raw);
  setCookie(c, NAME, token, {
    path: "/",
    httpOnly: true,
    secure,
    sameSite: "Lax",
    maxAge: maxAgeSeconds,
    ...(secure ? { prefix: "host" as const } : {}),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  const secure = secureTransport(c.req.raw);
  if (secure) deleteCookie(c, NAME, { path: "/", secure: true, prefix: "host" });
  else deleteCookie(c, NAME, { path: "/" });
}
