/**
 * `npm run audit:abuse`: starts a fresh seeded platform and plays a hostile registered user against
 * each promise ATAS makes (consent, campus, contact, availability, limits, robustness), over HTTP
 * and WebSocket, then prints one row per promise: what was tried, how many attempts, whether it held.
 * Not part of `npm test` (the workers and browser suites hold the same promises as tests); this is the
 * end-to-end view a reviewer can run against the real platform in about a minute.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPlatform } from "./platform.ts";

const PASSWORD = "atas-demo-2026";
const port = Number(process.env.AUDIT_PORT ?? 8797);
const state = mkdtempSync(join(tmpdir(), "atas-audit-"));
const platform = await startPlatform({ port, persistTo: state, fresh: true, log: () => {} });
const base = platform.url;

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

let nextIp = 1;
/** Each visitor is one person at one client address, as the edge's cf-connecting-ip would say. */
class Visitor {
  cookie = "";
  id = "";
  readonly ip: string;
  constructor(ip?: string) {
    this.ip = ip ?? `198.51.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
  }
  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(`${base}${path}`, {
      method,
      redirect: "manual",
      headers: {
        origin: base,
        "x-atas-csrf": "1",
        "cf-connecting-ip": this.ip,
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(body instanceof Uint8Array
          ? {}
          : body === undefined
            ? {}
            : { "content-type": "application/json" }),
        ...headers,
      },
      body: (body === undefined
        ? undefined
        : body instanceof Uint8Array
          ? body
          : JSON.stringify(body)) as BodyInit,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }
  async logIn(email: string, password = PASSWORD): Promise<Answer> {
    const answer = await this.call("POST", "/api/auth/login", { email, password });
    const cookie = answer.headers.get("set-cookie");
    if (answer.status === 200 && cookie) {
      this.cookie = cookie.split(";")[0] ?? "";
      this.id = (answer.body as { account: { id: string } }).account.id;
    }
    return answer;
  }
}

interface Mail {
  to: string;
  subject: string;
  text: string;
}
async function mailsTo(email: string): Promise<Mail[]> {
  const all = (await (await fetch(`${base}/dev/mail.json`)).json()) as Mail[];
  return all.filter((m) => m.to === email);
}

/** Waits for state, never for a fixed time: polls until `check` gives a value or 20 s pass. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let accounts = 0;
/** A throwaway account registered through the API and verified through its mail, signed in. */
async function throwaway(role: "student" | "expert" | "club", domain = "mail.example"): Promise<Visitor> {
  const email = `hostile${++accounts}.${Date.now()}@${domain}`;
  const visitor = new Visitor();
  await visitor.call("POST", "/api/auth/register", {
    email,
    password: `${PASSWORD}-${accounts}`,
    displayName: `Throwaway ${accounts}`,
    role,
  });
  const token = await waitFor(`the verification mail to ${email}`, async () => {
    const mail = (await mailsTo(email)).find((m) => m.text.includes("/verify?token="));
    return mail?.text.match(/token=([\w-]+)/)?.[1];
  });
  await visitor.call("POST", "/api/auth/verify", { token });
  const login = await visitor.logIn(email, `${PASSWORD}-${accounts}`);
  if (login.status !== 200) throw new Error(`throwaway login: ${login.status}`);
  return visitor;
}

async function demo(email: string): Promise<Visitor> {
  const visitor = new Visitor();
  const answer = await visitor.logIn(email);
  if (answer.status !== 200) throw new Error(`demo login ${email}: ${answer.status}`);
  return visitor;
}

interface Outcome {
  attempts: number;
  held: boolean;
  detail: string;
}
const probes: { promise: string; run: () => Promise<Outcome> }[] = [];
function probe(promise: string, run: () => Promise<Outcome>) {
  probes.push({ promise, run });
}

// ── Availability of one's own account ──────────────────────────────────────────────────────────
probe("wrong passwords from many addresses never lock the owner out", async () => {
  const victim = "student02@siswa.um.edu.my";
  let attempts = 0;
  for (let i = 0; i < 30; i++) {
    await new Visitor().call("POST", "/api/auth/login", { email: victim, password: "not-the-password" });
    attempts++;
  }
  const owner = await new Visitor().logIn(victim);
  return { attempts, held: owner.status === 200, detail: `owner from a new address: ${owner.status}` };
});

probe("open redirects after login are refused", async () => {
  const targets = [
    "/%09/evil.example",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "/%2F%2Fevil.example",
  ];
  let held = true;
  const seen: string[] = [];
  for (const target of targets) {
    const visitor = new Visitor();
    const form = new URLSearchParams({ email: "student03@siswa.um.edu.my", password: PASSWORD });
    const response = await fetch(`${base}/login?redirectTo=${target}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        origin: base,
        "content-type": "application/x-www-form-urlencoded",
        "cf-connecting-ip": visitor.ip,
      },
      body: form,
    });
    const location = response.headers.get("location") ?? "";
    const resolved = new URL(location, base);
    if (resolved.origin !== base || /[\t\\]/.test(location) || location.startsWith("//")) held = false;
    seen.push(`${response.status} → ${location || "(none)"}`);
  }
  return { attempts: targets.length, held, detail: seen.join("; ") };
});

// ── No 500s ────────────────────────────────────────────────────────────────────────────────────
probe("long id lists and ids of nobody answer 4xx/2xx, never 500", async () => {
  const student = await demo("student04@siswa.um.edu.my");
  const statuses: number[] = [];
  for (const size of [99, 100, 101, 250]) {
    const ids = Array.from({ length: size }, (_, i) => `n${i}`);
    statuses.push((await student.call("POST", "/api/notifications/read", { ids })).status);
  }
  statuses.push((await student.call("PUT", "/api/blocks/nobody-at-all")).status);
  const labels = `${Array.from({ length: 120 }, () => "a").join(".")}.example`;
  statuses.push(
    (
      await new Visitor().call("POST", "/api/auth/register", {
        email: `x@${labels}`,
        password: "a-long-password-1",
        displayName: "Labels",
        role: "student",
      })
    ).status,
  );
  return { attempts: statuses.length, held: statuses.every((s) => s < 500), detail: statuses.join(", ") };
});

probe("pages carry CSP with nonces, frame-ancestors, Referrer- and Permissions-Policy", async () => {
  const pages = ["/", "/discover", "/experts", "/login"];
  let held = true;
  for (const page of pages) {
    const response = await fetch(`${base}${page}`);
    const csp = response.headers.get("content-security-policy") ?? "";
    if (
      !csp.includes("frame-ancestors 'none'") ||
      !/'nonce-/.test(csp) ||
      !response.headers.get("referrer-policy") ||
      !response.headers.get("permissions-policy")
    )
      held = false;
  }
  return { attempts: pages.length, held, detail: held ? "all headers on every page" : "a header is missing" };
});

const results: (Outcome & { promise: string })[] = [];
try {
  for (const { promise, run } of probes) {
    try {
      results.push({ promise, ...(await run()) });
    } catch (error) {
      results.push({ promise, attempts: 0, held: false, detail: `the probe failed: ${String(error)}` });
    }
  }
} finally {
  await platform.stop();
  rmSync(state, { recursive: true, force: true });
}

const width = Math.max(...results.map((r) => r.promise.length));
console.log(`\n${"promise".padEnd(width)}  attempts  held`);
console.log(`${"-".repeat(width)}  --------  ----`);
for (const r of results) {
  console.log(
    `${r.promise.padEnd(width)}  ${String(r.attempts).padStart(8)}  ${r.held ? "yes " : "NO  "}  ${r.detail}`,
  );
}
const broken = results.filter((r) => !r.held).length;
console.log(`\n${results.length - broken} of ${results.length} promises held`);
process.exitCode = broken ? 1 : 0;
