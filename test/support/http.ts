import { env, SELF } from "cloudflare:test";

export const ORIGIN = "http://127.0.0.1:8787";
/** A random client address per call site, so rate limits do not leak between tests or test files. */
export function freshIp(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

export function uniqueEmail(prefix = "user", domain = "example.com"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}@${domain}`;
}

export interface CallOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  cookie?: string;
  ip?: string;
  headers?: Record<string, string>;
  /** Omit the CSRF proof (custom header and Origin). */
  noCsrf?: boolean;
}

/** Calls the worker as a same-origin browser page would. */
export function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { "cf-connecting-ip": options.ip ?? freshIp(), ...options.headers };
  if (!options.noCsrf) {
    headers.origin ??= ORIGIN;
    headers["x-atas-csrf"] ??= "1";
  }
  if (options.cookie) headers.cookie = options.cookie;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  return SELF.fetch(`${ORIGIN}${path}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

export function sessionCookie(response: Response): string {
  const header = response.headers.get("set-cookie") ?? "";
  const match = header.match(/(?:__Host-)?atas_session=[^;]+/);
  if (!match) throw new Error(`no session cookie in: ${header}`);
  return match[0];
}

/** Waits for the email queue's consumer to deliver a mail to the dev outbox. */
export async function waitForMail(to: string, subject: string | RegExp, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const rows = await env.DB.prepare('select * from outbox_mails where "to" = ? order by created_at desc')
      .bind(to)
      .all<{ subject: string; text: string; html: string }>();
    const mail = rows.results.find((m) =>
      typeof subject === "string" ? m.subject.includes(subject) : subject.test(m.subject),
    );
    if (mail) return mail;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail "${String(subject)}" for ${to} within ${timeoutMs} ms`);
}

export async function mailsTo(to: string) {
  const rows = await env.DB.prepare('select subject, text from outbox_mails where "to" = ?')
    .bind(to)
    .all<{ subject: string; text: string }>();
  return rows.results;
}

export function tokenFrom(text: string): string {
  const match = text.match(/token=([A-Za-z0-9_-]+)/);
  if (!match?.[1]) throw new Error(`no token in: ${text}`);
  return match[1];
}

export const PASSWORD = "correct horse battery staple";

/** Registers, verifies through the real mail and signs in. */
export async function signUp(
  options: { role?: "student" | "expert" | "club"; email?: string; displayName?: string } = {},
) {
  const email = options.email ?? uniqueEmail(options.role ?? "student");
  const ip = freshIp();
  const register = await call("/api/auth/register", {
    ip,
    json: {
      email,
      password: PASSWORD,
      displayName: options.displayName ?? "Test User",
      role: options.role ?? "student",
    },
  });
  if (register.status !== 202) throw new Error(`register: ${register.status} ${await register.text()}`);
  const mail = await waitForMail(email, "Confirm");
  const verify = await call("/api/auth/verify", { ip, json: { token: tokenFrom(mail.text) } });
  if (verify.status !== 200) throw new Error(`verify: ${verify.status} ${await verify.text()}`);
  const login = await call("/api/auth/login", { ip, json: { email, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const { account } = (await login.json()) as { account: { id: string } };
  return { email, ip, cookie: sessionCookie(login), id: account.id };
}

/** The response's JSON body, once its status is `status` (else the body, for the failure message). */
export async function json<T>(response: Response, status = 200): Promise<T> {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Probes every `everyMs` until `done` holds for what `probe` returns, and returns that; work done
 * after a response (queues, waitUntil, cron) lands a moment later.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10_000, everyMs = 100 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function expectProblem(response: Response, status: number) {
  const body = (await response.json()) as {
    status: number;
    title: string;
    detail?: string;
    requestId: string;
  };
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(body)}`);
  if (!response.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`not problem+json: ${response.headers.get("content-type")}`);
  }
  if (!body.requestId) throw new Error("problem without requestId");
  return body;
}

/**
 * Waits until at least `needMs` remain before the next edge of a fixed `windowMs` window (Unix time).
 * A sliding-window limiter only estimates the previous window's share at an edge, so a burst that
 * straddles one may be let through one request further; tests of an exact count start clear of it.
 */
export async function clearOfWindowEdge(windowMs: number, needMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
