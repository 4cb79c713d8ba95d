import { appOrigin } from "../../../worker/src/shared/context";
import type { WebContext } from "../../server";
import type { Problem } from "./api-types";

declare module "react-router" {
  // Loaders and actions receive what web/server.ts passes as `context`.
  interface AppLoadContext extends WebContext {}
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);
/** Request headers the API needs to see as the browser sent them: the session, and who is asking (rate limits). */
const FORWARDED = ["cookie", "user-agent", "cf-connecting-ip", "accept-language"];

export interface ApiInit {
  method?: string;
  /** Sent as JSON. */
  json?: unknown;
}

export type ApiResult<T> =
  | { ok: true; status: number; data: T; headers: Headers }
  | { ok: false; status: number; problem: Problem; headers: Headers };

/**
 * Calls the API in-process on behalf of the browser that sent `request`. State-changing calls carry
 * the same CSRF proof a page's own fetch would (the web handler has already refused foreign
 * origins). `headers` holds only the API's Set-Cookie lines, to pass on with `data()` or `redirect()`.
 */
export async function apiCall<T>(
  context: WebContext,
  request: Request,
  path: string,
  init: ApiInit = {},
): Promise<ApiResult<T>> {
  const method = (init.method ?? (init.json === undefined ? "GET" : "POST")).toUpperCase();
  const headers = new Headers({ accept: "application/json" });
  for (const name of FORWARDED) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  if (!SAFE_METHODS.has(method)) {
    headers.set("content-type", "application/json");
    headers.set("x-atas-csrf", "1");
    // The API checks Origin against APP_ORIGIN, not the Host this request came in on.
    headers.set("origin", appOrigin(context.env, request));
  }
  const response = await context.api(
    new Request(new URL(path, request.url), {
      method,
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    }),
  );

  const passOn = new Headers();
  for (const cookie of response.headers.getSetCookie()) passOn.append("set-cookie", cookie);

  const body = await readJson(response);
  if (response.ok) return { ok: true, status: response.status, data: body as T, headers: passOn };
  return { ok: false, status: response.status, problem: asProblem(body, response), headers: passOn };
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asProblem(body: unknown, response: Response): Problem {
  if (body && typeof body === "object" && "status" in body && "title" in body) return body as Problem;
  return { title: response.statusText || "Error", status: response.status };
}
