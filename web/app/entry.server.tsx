import { isbot } from "isbot";
// Resolves to react-dom's web-streams build (the `workerd`/`worker` export conditions in vite.config.ts).
import { renderToReadableStream } from "react-dom/server";
import type { AppLoadContext, EntryContext } from "react-router";
import { ServerRouter } from "react-router";

/** How long React may keep streaming deferred data before the render is aborted. */
export const streamTimeout = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  let status = responseStatusCode;
  let shellRendered = false;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), streamTimeout + 1_000);
  request.signal.addEventListener("abort", () => abort.abort(), { once: true });

  const body = await renderToReadableStream(<ServerRouter context={routerContext} url={request.url} />, {
    signal: abort.signal,
    onError(error: unknown) {
      status = 500;
      // Errors before the shell is ready reject renderToReadableStream and reach React Router itself.
      if (shellRendered) console.error(error);
    },
  });
  shellRendered = true;

  // Crawlers and SPA-mode generation get the whole document at once; browsers get it streamed.
  const userAgent = request.headers.get("user-agent");
  if ((userAgent && isbot(userAgent)) || routerContext.isSpaMode) await body.allReady;
  body.allReady.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );

  responseHeaders.set("content-type", "text/html; charset=utf-8");
  // Every page shows who is signed in, so none may be stored by shared caches.
  if (!responseHeaders.has("cache-control")) responseHeaders.set("cache-control", "private, no-store");
  responseHeaders.set("x-content-type-options", "nosniff");
  responseHeaders.set("x-frame-options", "DENY");
  // Verification and reset links carry their token in the query; keep it out of Referer headers.
  responseHeaders.set("referrer-policy", "same-origin");
  return new Response(body, { headers: responseHeaders, status });
}
