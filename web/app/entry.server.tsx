import { isbot } from "isbot";
// Resolves to react-dom's web-streams build (the `workerd`/`worker` export conditions in vite.config.ts).
import { renderToReadableStream } from "react-dom/server";
import type { AppLoadContext, EntryContext } from "react-router";
import { ServerRouter } from "react-router";
import { appOrigin } from "../../worker/src/shared/context";
import { errorLine } from "../../worker/src/telemetry/log-line";
import { currentUsage } from "../../worker/src/telemetry/usage";
import { isLang, loadLanguage } from "./lib/i18n";

/** 128 random bits, base64: a fresh script nonce per response. */
function freshNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * Scripts run only from our origin or with this response's nonce (React Router's inline hydration
 * scripts, React's streaming scripts). Style attributes are allowed (React's `style={…}` renders
 * them: avatar colours, grid columns) but not inline <style> elements. Sockets go to our own origin.
 */
function contentSecurityPolicy(nonce: string, origin: string): string {
  const sockets = origin.replace(/^http/, "ws");
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ${sockets}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Powerful features the app never uses, turned off for it and anything it embeds. */
const PERMISSIONS_POLICY =
  "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), browsing-topics=()";

/** How long React may keep streaming deferred data before the render is aborted. */
export const streamTimeout = 5_000;

/** A page's unexpected error as the API logs its own: one structured line with the request id and route. */
function logError(error: unknown) {
  const usage = currentUsage();
  console.error(JSON.stringify(errorLine(usage?.requestId ?? "unknown", usage?.route ?? "web", error)));
}

/** Loader, action and render errors (React Router's hook; aborted requests are not errors). */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (!request.signal.aborted) logError(error);
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // The page speaks the language the root loader chose (English if it failed); only that one is loaded.
  const root = routerContext.staticHandlerContext.loaderData.root as { lang?: unknown } | undefined;
  await loadLanguage(isLang(root?.lang) ? root.lang : "en");
  const nonce = freshNonce();
  let status = responseStatusCode;
  let shellRendered = false;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), streamTimeout + 1_000);
  request.signal.addEventListener("abort", () => abort.abort(), { once: true });

  const body = await renderToReadableStream(
    <ServerRouter context={routerContext} url={request.url} nonce={nonce} />,
    {
      nonce,
      signal: abort.signal,
      onError(error: unknown) {
        status = 500;
        // Errors before the shell is ready reject renderToReadableStream and reach React Router itself.
        if (shellRendered) logError(error);
      },
    },
  );
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
  responseHeaders.set(
    "content-security-policy",
    contentSecurityPolicy(nonce, appOrigin(loadContext.env, request)),
  );
  responseHeaders.set("permissions-policy", PERMISSIONS_POLICY);
  // Verification and reset links carry their token in the query; keep it out of Referer headers.
  responseHeaders.set("referrer-policy", "same-origin");
  return new Response(body, { headers: responseHeaders, status });
}
