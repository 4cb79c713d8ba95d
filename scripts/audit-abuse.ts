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
import { demoStudents } from "../worker/src/dev/seed-data.ts";
import { startPlatform } from "./platform.ts";

const PASSWORD = "atas-demo-2026";
const port = Number(process.env.AUDIT_PORT ?? 8797);
const state = mkdtempSync(join(tmpdir(), "atas-audit-"));
// AUDIT_BASE plays against a platform already running (seeded); otherwise a fresh one is started.
const platform = process.env.AUDIT_BASE
  ? { url: process.env.AUDIT_BASE, stop: async () => {} }
  : await startPlatform({ port, persistTo: state, fresh: true, log: () => {} });
const base = platform.url;

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

let nextIp = 1;
/** Addresses differ from run to run, so runs against one platform (AUDIT_BASE) do not share limits. */
const RUN = Math.floor(Math.random() * 250);
/** Each visitor is one person at one client address, as the edge's cf-connecting-ip would say. */
class Visitor {
  cookie = "";
  id = "";
  email = "";
  readonly ip: string;
  constructor(ip?: string) {
    this.ip = ip ?? `10.${RUN}.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
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
        ...(body === undefined || body instanceof FormData ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined || body instanceof FormData ? body : JSON.stringify(body),
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
  visitor.email = email;
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

/** Seeded students proven to be at Universiti Malaya (the demo seeds five campuses in turn). */
const UM_STUDENTS = demoStudents()
  .filter((s) => s.campusId === "um")
  .map((s) => s.email);
const umStudent = (n: number) => UM_STUDENTS[n] ?? "student01@siswa.um.edu.my";

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

// ── Consent, campus and contact ────────────────────────────────────────────────────────────────
function connectionIds(answer: Answer): string[] {
  const list = (answer.body as { connections?: { id?: string; userId?: string }[] }).connections ?? [];
  return list.map((c) => c.id ?? c.userId ?? "");
}
probe(
  "nobody becomes a club officer, or connected, without their yes; a block ends it for good",
  async () => {
    const club = await throwaway("club");
    const student = await throwaway("student");
    const findings: string[] = [];
    let held = true;
    await club.call("PATCH", "/api/me/profile", {
      club: { officers: [{ userId: student.id, title: "President" }] },
    });
    const me = await student.call("GET", "/api/me");
    const connected = connectionIds(await student.call("GET", "/api/connections")).includes(club.id);
    const dm = await club.call("POST", "/api/rooms/dm", { userId: student.id });
    if (JSON.stringify(me.body).includes(club.id) && JSON.stringify(me.body).includes("officer"))
      held = false;
    if (connected || dm.status === 200) held = false;
    findings.push(`after the club's PATCH: connected ${connected}, club's DM ${dm.status}`);
    await student.call("PUT", `/api/blocks/${club.id}`);
    const again = await club.call("POST", "/api/clubs/me/officers", {
      userId: student.id,
      title: "President",
    });
    const patched = await club.call("PATCH", "/api/me/profile", {
      club: { officers: [{ userId: student.id, title: "President" }] },
    });
    const clubs = await student.call("GET", "/api/me/clubs");
    const pendingLeft = JSON.stringify(clubs.body).includes(club.id);
    if (again.status < 400 || pendingLeft) held = false;
    findings.push(
      `after a block: invite ${again.status}, PATCH ${patched.status}, still listed ${pendingLeft}`,
    );
    return { attempts: 5, held, detail: findings.join("; ") };
  },
);

probe("campus rooms are for a proven campus, never a typed one", async () => {
  const outsider = await throwaway("student");
  await outsider.call("PATCH", "/api/me/profile", { campusId: "um" });
  const rooms = await outsider.call("GET", "/api/rooms");
  const listed = JSON.stringify(rooms.body).includes("campus:um");
  const socket = await openSocket(outsider, "campus:um");
  socket?.socket.close();
  const insider = await demo(umStudent(4));
  const inside = await openSocket(insider, "campus:um");
  inside?.socket.close();
  return {
    attempts: 2,
    held: !listed && socket === null && inside !== null,
    detail: `typed campus: listed ${listed}, socket ${socket ? "opened" : "refused"}; verified student's socket ${inside ? "opened" : "refused"}`,
  };
});

probe("an expert reaches a student only inside an accepted invitation", async () => {
  const student = await throwaway("student");
  const experts = [await throwaway("expert"), await availableExpert()];
  const statuses: number[] = [];
  for (const expert of experts) {
    statuses.push((await expert.call("POST", "/api/rooms/dm", { userId: student.id })).status);
    statuses.push(
      (
        await expert.call("POST", "/api/message-requests", {
          toUserId: student.id,
          text: "Call me, here is my number",
        })
      ).status,
    );
    statuses.push(
      (
        await expert.call("POST", "/api/connections/requests", {
          toUserId: student.id,
          message: "DM me on WhatsApp",
        })
      ).status,
    );
  }
  return {
    attempts: statuses.length,
    held: statuses.every((s) => s === 403 || s === 404),
    detail: `DM / message request / connection note: ${statuses.join(", ")}`,
  };
});

probe("unverified experts are labelled and left out of the directory", async () => {
  const expert = await throwaway("expert");
  await expert.call("PATCH", "/api/me/profile", {
    expert: { headline: "Zyxquorp specialist", industry: "Fintech", acceptingInvitations: true },
  });
  const listed = await new Visitor().call("GET", "/api/experts?q=Zyxquorp");
  const shown = JSON.stringify(listed.body).includes(expert.id);
  const profile = await new Visitor().call("GET", `/api/profiles/${expert.id}`);
  const labelled = JSON.stringify(profile.body).includes("unverified");
  return {
    attempts: 2,
    held: !shown && labelled,
    detail: `in the default directory: ${shown}; profile labelled unverified: ${labelled}`,
  };
});

// ── Availability of one's own account ──────────────────────────────────────────────────────────
probe("wrong passwords from many addresses never lock the owner out", async () => {
  const victim = umStudent(1);
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
    const form = new URLSearchParams({ email: umStudent(2), password: PASSWORD });
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

probe("an older reset link dies once a newer one is used", async () => {
  const student = await throwaway("student");
  const address = student.email;
  await new Visitor().call("POST", "/api/auth/password/forgot", { email: address });
  const first = await waitFor("the first reset mail", async () =>
    (await mailsTo(address)).find((m) => m.text.includes("reset-password?token=")),
  );
  await new Visitor().call("POST", "/api/auth/password/forgot", { email: address });
  const second = await waitFor("the second reset mail", async () =>
    (await mailsTo(address)).find((m) => m.text.includes("reset-password?token=") && m.text !== first.text),
  );
  const token = (mail: Mail) => mail.text.match(/reset-password\?token=([\w-]+)/)?.[1] ?? "";
  const newer = await new Visitor().call("POST", "/api/auth/password/reset", {
    token: token(second),
    password: "a-brand-new-passphrase-1",
  });
  const older = await new Visitor().call("POST", "/api/auth/password/reset", {
    token: token(first),
    password: "the-attackers-passphrase-2",
  });
  return {
    attempts: 2,
    held: newer.status < 300 && older.status >= 400 && older.status < 500,
    detail: `newer link ${newer.status}, then the older one ${older.status}`,
  };
});

probe("mail nobody asked for is capped per address, whoever sends the requests", async () => {
  const target = await throwaway("student");
  const address = target.email;
  const before = (await mailsTo(address)).length;
  for (let i = 0; i < 12; i++)
    await new Visitor().call("POST", "/api/auth/register", {
      email: address,
      password: `a-long-password-${i}`,
      displayName: "Pest",
      role: "student",
    });
  // Mail goes through a queue: wait until it settles (the same count twice, a second apart).
  let last = -1;
  const sent = await waitFor("the mail queue to settle", async () => {
    const now = (await mailsTo(address)).length - before;
    const settled = now === last;
    last = now;
    await new Promise((r) => setTimeout(r, 1000));
    return settled ? String(now) : undefined;
  });
  return {
    attempts: 12,
    held: Number(sent) <= 5,
    detail: `${sent} mails reached the address from 12 addresses`,
  };
});

probe("signing out closes that session's open sockets at once", async () => {
  const student = await throwaway("student");
  const room = await topicRoom(student);
  const open = await openSocket(student, room);
  if (!open) throw new Error("the room socket did not open");
  let code = 0;
  open.socket.addEventListener("close", (e) => {
    code = e.code;
  });
  await student.call("POST", "/api/auth/logout");
  // The server's close frame puts the socket in CLOSING at once; wrangler dev's proxy may hold the
  // TCP connection a while longer, so the close event (and its code) can come later.
  const state = await waitFor("the server to close the socket", async () =>
    open.socket.readyState >= WebSocket.CLOSING ? open.socket.readyState : undefined,
  ).catch(() => WebSocket.OPEN);
  return {
    attempts: 1,
    held: state >= WebSocket.CLOSING && (code === 0 || code === 4401),
    detail:
      state >= WebSocket.CLOSING
        ? `closed by the server${code ? ` (${code})` : ""}`
        : "still open after 20 s",
  };
});

// ── No 500s ────────────────────────────────────────────────────────────────────────────────────
probe("long id lists and ids of nobody answer 4xx/2xx, never 500", async () => {
  const student = await demo(umStudent(3));
  const statuses: number[] = [];
  for (const size of [99, 100, 101, 250]) {
    const ids = Array.from({ length: size }, () => crypto.randomUUID());
    statuses.push((await student.call("POST", "/api/notifications/read", { ids })).status);
  }
  statuses.push((await student.call("PUT", `/api/blocks/${crypto.randomUUID()}`)).status);
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

// ── Limits that hold ───────────────────────────────────────────────────────────────────────────
const ALL_WEEK = Array.from({ length: 7 }, (_, weekday) => ({
  weekday,
  start: "00:00",
  end: "23:59",
  timeZone: "Asia/Kuala_Lumpur",
}));
/** A whole hour `hours` from now that a 60-minute session fits inside one Kuala Lumpur day. */
function hoursFromNow(hours: number): string {
  let t = Math.ceil((Date.now() + hours * 3600_000) / 3600_000) * 3600_000;
  const klHour = (new Date(t).getUTCHours() + 8) % 24;
  if (klHour >= 22) t -= (klHour - 21) * 3600_000;
  return new Date(t).toISOString();
}
async function availableExpert(): Promise<Visitor> {
  const expert = await throwaway("expert");
  await expert.call("PATCH", "/api/me/profile", {
    expert: {
      headline: "Staff Engineer",
      industry: "Fintech",
      availability: ALL_WEEK,
      acceptingInvitations: true,
    },
  });
  return expert;
}
async function draftInvitation(requester: Visitor, expertId: string): Promise<string> {
  const created = await requester.call("POST", "/api/invitations", {
    expertId,
    kind: "talk",
    title: "Payments at scale",
    agenda: "How a super-app handles payment peaks; Q&A.",
    slots: [hoursFromNow(96), hoursFromNow(120)],
    durationMinutes: 60,
    format: "online",
    audienceSize: 80,
    honorarium: null,
    language: "en",
    responseDeadline: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  });
  if (created.status !== 201)
    throw new Error(`invitation: ${created.status} ${JSON.stringify(created.body)}`);
  return (created.body as { id: string }).id;
}

probe("AI drafts: at most 5 per address a minute, anonymous calls spend none", async () => {
  const expert = await availableExpert();
  const student = await throwaway("student");
  const invitation = await draftInvitation(student, expert.id);
  const anonymous = new Visitor(student.ip);
  const statuses: number[] = [];
  for (let i = 0; i < 10; i++)
    statuses.push((await anonymous.call("POST", `/api/invitations/${invitation}/draft`, {})).status);
  let accepted = 0;
  for (let i = 0; i < 12; i++) {
    const answer = await student.call("POST", `/api/invitations/${invitation}/draft`, {});
    statuses.push(answer.status);
    if (answer.status === 202) accepted++;
  }
  return {
    attempts: statuses.length,
    held: accepted === 5 && statuses.slice(0, 10).every((s) => s === 401),
    detail: `${accepted} of 12 signed-in requests accepted after 10 anonymous ones from the same address`,
  };
});

/** A PNG header claiming `width`×`height`, `extra` bytes long: what a decompression bomb looks like to a size reader. */
function pngHeader(width: number, height: number, extra: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(33 + extra);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}
probe("image uploads: bombs refused, per-account rate and daily bytes bounded", async () => {
  const student = await throwaway("student");
  const statuses: number[] = [];
  for (const [w, h] of [
    [20_000, 15_000],
    [0x8000_0000, 1],
    [0xffff_ffff, 0xffff_ffff],
  ] as const) {
    const form = new FormData();
    form.append("original", new File([pngHeader(w, h, 292 * 1024)], "bomb.png", { type: "image/png" }));
    statuses.push((await student.call("POST", "/api/note-images", form)).status);
  }
  const bombsRefused = statuses.every((s) => s === 413 || s === 415);
  // 4.5 MB originals: the daily byte quota (100 MB) or the hourly count (60) stops the run.
  let stored = 0;
  let refusedWith = 0;
  for (let i = 0; i < 70 && !refusedWith; i++) {
    const form = new FormData();
    form.append("original", new File([pngHeader(1000, 1000, 4_500_000)], "big.png", { type: "image/png" }));
    form.append("display", new File([pngHeader(500, 500, 1000)], "small.png", { type: "image/png" }));
    const answer = await student.call("POST", "/api/note-images", form);
    if (answer.status === 201) stored++;
    else refusedWith = answer.status;
  }
  return {
    attempts: statuses.length + stored + (refusedWith ? 1 : 0),
    // 100 MiB a rolling day: each upload here is 4.5 MB + a 1 KB display copy.
    held: bombsRefused && refusedWith === 429 && stored * 4_501_066 <= 100 * 1024 * 1024,
    detail: `bombs → ${statuses.join("/")}; ${stored} uploads of 4.5 MB stored (${((stored * 4_501_066) / 1024 / 1024).toFixed(1)} MiB), then ${refusedWith || "never refused"}`,
  };
});

/** Node's WebSocket (undici) takes request headers; the DOM typing does not know it. */
const HeaderedWebSocket = WebSocket as unknown as new (
  url: string,
  options: { headers: Record<string, string> },
) => WebSocket;
interface Frame {
  type: string;
  code?: string;
}
/** The first topic room `visitor`'s room list offers (topic rooms are seeded, not made on demand). */
async function topicRoom(visitor: Visitor): Promise<string> {
  const listing = await visitor.call("GET", "/api/rooms");
  const room = ((listing.body as { rooms?: { id: string; kind: string }[] }).rooms ?? []).find(
    (r) => r.kind === "topic",
  )?.id;
  if (!room) throw new Error("no topic room listed");
  return room;
}
function openSocket(visitor: Visitor, room: string): Promise<{ socket: WebSocket; frames: Frame[] } | null> {
  return new Promise((resolve) => {
    const frames: Frame[] = [];
    const socket = new HeaderedWebSocket(`${base.replace("http", "ws")}/api/rooms/${room}/ws`, {
      headers: { cookie: visitor.cookie, origin: base, "cf-connecting-ip": visitor.ip },
    });
    socket.addEventListener("message", (event) => frames.push(JSON.parse(String(event.data)) as Frame));
    socket.addEventListener("open", () => resolve({ socket, frames }));
    socket.addEventListener("error", () => resolve(null));
  });
}
probe("rooms: one person's sockets are capped and share one message budget", async () => {
  const student = await throwaway("student");
  const room = await topicRoom(student);
  const opened: { socket: WebSocket; frames: Frame[] }[] = [];
  for (let i = 0; i < 8; i++) {
    const socket = await openSocket(student, room);
    if (socket) opened.push(socket);
  }
  if (!opened.length) throw new Error(`no socket opened to ${room}`);
  let sent = 0;
  for (let i = 0; i < 60; i++) {
    const target = opened[i % opened.length];
    target?.socket.send(JSON.stringify({ type: "message", id: crypto.randomUUID(), body: `burst ${i}` }));
    sent++;
  }
  const answered = (f: Frame) => f.type === "ack" || (f.type === "error" && f.code === "rate-limited");
  await waitFor("an answer to every message", async () =>
    opened.reduce((n, o) => n + o.frames.filter(answered).length, 0) >= sent ? true : undefined,
  );
  const acks = opened.reduce((n, o) => n + o.frames.filter((f) => f.type === "ack").length, 0);
  for (const o of opened) o.socket.close();
  return {
    attempts: 8 + sent,
    // The burst is 10 and the refill 5/s: a 60-message burst from one person gets at most ~12 through.
    held: opened.length <= 5 && acks <= 15,
    detail: `${opened.length} of 8 sockets opened; ${acks} of ${sent} messages accepted`,
  };
});

probe("a follow/unfollow loop notifies its target once a day", async () => {
  const target = await throwaway("student");
  const follower = await throwaway("student");
  for (let i = 0; i < 5; i++) {
    await follower.call("PUT", `/api/follows/${target.id}`);
    await follower.call("DELETE", `/api/follows/${target.id}`);
  }
  const list = await target.call("GET", "/api/notifications");
  const items = (list.body as { notifications?: { type: string }[] }).notifications ?? [];
  const follows = items.filter((n) => n.type.includes("follow")).length;
  return {
    attempts: 10,
    held: follows <= 1,
    detail: `${follows} "followed you" notification(s) after 5 loops`,
  };
});

probe("three throwaway reporters cannot hide a note", async () => {
  const feed = await new Visitor().call("GET", "/api/feed/discover");
  const note = ((feed.body as { notes?: { id: string }[] }).notes ?? [])[0];
  if (!note) throw new Error("no public note to report");
  for (let i = 0; i < 3; i++) {
    const reporter = await throwaway("student");
    await reporter.call("POST", "/api/reports", { target: "note", targetId: note.id, reason: "spam" });
  }
  const after = await new Visitor().call("GET", `/api/notes/${note.id}`);
  return {
    attempts: 3,
    held: after.status === 200,
    detail: `the note answers ${after.status} after 3 reports`,
  };
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
