import type { ContentfulStatusCode } from "hono/utils/http-status";

/** A failure the client caused or must know about; rendered as application/problem+json by `onError`. */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export class BadRequest extends ProblemError {
  constructor(detail: string, extra: Record<string, unknown> = {}) {
    super(400, "Bad request", detail, extra);
  }
}
export class Unauthorized extends ProblemError {
  constructor(detail = "Sign in to continue.") {
    super(401, "Unauthorized", detail);
  }
}
export class Forbidden extends ProblemError {
  /** `code` names the reason when the page should act on it (`needs-request` offers a message request). */
  constructor(detail = "You may not do this.", code?: string) {
    super(403, "Forbidden", detail, code ? { code } : {});
  }
}
export class NotFound extends ProblemError {
  constructor(detail = "Not found.") {
    super(404, "Not found", detail);
  }
}
export class Conflict extends ProblemError {
  /** `code` names the reason for clients that say it in their own words (the web's 中文, say). */
  constructor(detail: string, code?: string, extra: Record<string, unknown> = {}) {
    super(409, "Conflict", detail, { ...extra, ...(code ? { code } : {}) });
  }
}
export class PayloadTooLarge extends ProblemError {
  constructor(limitBytes: number) {
    super(413, "Payload too large", `The body is over the ${limitBytes} byte limit.`);
  }
}
export class UnsupportedMediaType extends ProblemError {
  constructor(detail: string) {
    super(415, "Unsupported media type", detail);
  }
}
export class RateLimited extends ProblemError {
  /** `code` names the limit ("daily-quota" …) when the page should say which one was hit. */
  constructor(retryAfterSeconds: number, code?: string) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(
      429,
      "Too many requests",
      `Try again in ${seconds} seconds.`,
      { retryAfter: seconds, ...(code ? { code } : {}) },
      { "retry-after": String(seconds) },
    );
  }
}
export class ServiceUnavailable extends ProblemError {
  constructor(detail: string, retryAfterSeconds = 30) {
    super(
      503,
      "Service unavailable",
      detail,
      { retryAfter: retryAfterSeconds },
      {
        "retry-after": String(retryAfterSeconds),
      },
    );
  }
}

export function problemResponse(error: ProblemError, requestId: string, instance: string): Response {
  const body = {
    type: `https://atas.dev/problems/${error.status}`,
    title: error.title,
    status: error.status,
    detail: error.detail,
    instance,
    requestId,
    ...error.extra,
  };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { "content-type": "application/problem+json", "x-request-id": requestId, ...error.headers },
  });
}
