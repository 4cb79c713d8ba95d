/**
 * `npm run cost`: what a day of ATAS costs, measured. Starts the platform (scripts/platform.ts, fresh
 * state, seeded) from a frozen copy of the app, plays a scripted day of COST_STUDENTS students,
 * COST_CLUBS clubs and COST_EXPERTS experts through workerd's own port (not wrangler dev's proxy),
 * one action at a time, and counts what each action bills:
 *
 *  - the worker's usage lines (one JSON line per request, queue batch and cron run; see
 *    scripts/usage-lines.ts and docs/operations.md, "Cost"): invocations, D1 rows, queue sends,
 *    Durable Object requests, R2 operations, AI tokens, and Upstash commands as the worker saw them;
 *  - the Upstash twin's own command counter (every command, whoever sent it);
 *  - workerd's CPU time from /proc, per action (it also holds local D1's SQLite and the objects, so
 *    it is an upper bound for the Worker's billed CPU);
 *  - what the script itself sends: WebSocket messages bill the room's object one request per 20.
 *
 * When wrangler's output carries no usage lines (an older worker), it says so and falls back to what
 * can be seen from outside, each figure marked as a lower bound: the HTTP requests and upgrades the
 * script made, D1 rows from the dev measurement mode (`x-atas-measure: d1` on API calls), AI tokens
 * from the admin usage page.
 *
 * Then it prints units per active user per day by component, and dollars a month at 1,000, 10,000
 * and 100,000 daily active users (30 days) on the prices in worker/src/ops/prices.ts, AI apart,
 * against the goal: 10,000 daily active users for at most $10 a month. Prints figures; asserts none.
 */
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inParallel, snapshot } from "../bench/support.ts";
import { DEMO_PASSWORD, demoStudents, EXPERTS, CLUBS as SEEDED_CLUBS } from "../worker/src/dev/seed-data.ts";
import {
  addUnits,
  type Component,
  emptyUnits,
  METERS,
  monthlyBill,
  monthOf,
  PLATFORM_COMPONENTS,
  type StoredGb,
  UNIT_NAMES,
  type UnitCounts,
} from "../worker/src/ops/prices.ts";
import { type Tally, UsageTally } from "./usage-lines.ts";
import { cpuMs, innerRuntime, type Runtime, stillRunning } from "./workerd-process.ts";

const STUDENTS = Math.min(50, Number(process.env.COST_STUDENTS ?? 9));
const CLUBS = Math.min(SEEDED_CLUBS.length, Number(process.env.COST_CLUBS ?? 2));
const EXPERT_COUNT = Math.min(EXPERTS.length, Number(process.env.COST_EXPERTS ?? 2));
const PORT = Number(process.env.COST_PORT ?? 8813);
const CONCURRENCY = 3;
const DAYS = 30;
const SCALES = [1_000, 10_000, 100_000];
/** COST_WRANGLER_LOG=<file> keeps everything wrangler dev printed. */
const wranglerLog = process.env.COST_WRANGLER_LOG;
const GOAL = { dailyActiveUsers: 10_000, dollars: 10 };

/**
 * Who is active on a day: mostly students; club officers and experts are few. The played day has
 * as many of each as the env says, and each kind's units are weighted by this mix.
 */
const MIX = { student: 0.92, club: 0.04, expert: 0.04 } as const;
type Kind = keyof typeof MIX;

/** A student's day, in actions (each a page view or an API call, as the browser makes them). */
const STUDENT_DAY = {
  discoverPages: 3,
  followingPages: 2,
  notesOpened: 6,
  likes: 3,
  comments: 1,
  expertSearches: 1,
  roomMessages: 3,
  /** One student in POST_EVERY posts a note with an image. */
  postEvery: 3,
};
/** A club's day: a look at discover, two searches, one invitation drafted with AI and sent. */
const CLUB_DAY = { discoverPages: 1, expertSearches: 2 };

/** Crons run on a schedule whatever the users do: runs a day of each (wrangler.toml `crons`). */
const CRONS = [
  { cron: "0 * * * *", perDay: 24 },
  { cron: "*/10 * * * *", perDay: 144 },
];

/**
 * Stored data at a month's end, per daily active user (assumptions, not measured): D1 rows of a
 * user's notes, likes, comments, sessions and invitations (~50 KB); Upstash's capped timelines
 * (800 ids of ~40 bytes) and cache; R2 from the bytes the month's posts write (measured per post).
 */
const STORED_PER_DAU = { d1Gb: 50e3 / 1e9, storeGb: (800 * 40 * 1.5) / 1e9, doGb: 5e3 / 1e9 };

const PNG_1X1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
  "base64",
);

const NodeWebSocket = WebSocket as unknown as new (
  url: string,
  init: { headers: Record<string, string> },
) => WebSocket;

// ---------------------------------------------------------------------------------------------
// What the script counts itself, per action (the outside view).

interface Outside {
  /** HTTP requests and WebSocket upgrades sent. */
  requests: number;
  upgrades: number;
  /** Messages sent on room sockets (the object bills one request per 20) and their round trips. */
  wsMessages: number;
  wsRoundTripMs: number;
  /** From the D1 measurement mode, on API calls only (pages run their API calls in-process). */
  d1RowsRead: number;
  d1RowsWritten: number;
  storeCommands: number;
  cpuMs: number;
  /** People who did the action. */
  people: number;
  imageBytes: number;
  /** Upstash commands by kind (the twin's `commandsByKind`). */
  storeKinds: Map<string, number>;
}

const emptyOutside = (): Outside => ({
  requests: 0,
  upgrades: 0,
  wsMessages: 0,
  wsRoundTripMs: 0,
  d1RowsRead: 0,
  d1RowsWritten: 0,
  storeCommands: 0,
  cpuMs: 0,
  people: 0,
  imageBytes: 0,
  storeKinds: new Map(),
});

interface Person {
  kind: Kind;
  email: string;
  ip: string;
  cookie: string;
  id: string;
  inbox?: { socket: WebSocket; drafts: Map<string, () => void> };
}

let ipCounter = 0;
const nextIp = () => {
  ipCounter++;
  return `10.77.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
};

const expertEmail = (name: string) =>
  `${name
    .toLowerCase()
    .replace(/[^a-z]+/g, ".")
    .replace(/^\.|\.$/g, "")}@experts.atas.dev`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 10:00 in Kuala Lumpur (02:00 UTC), `days` days from today. */
const morningIn = (days: number) =>
  new Date((Math.floor(Date.now() / 86_400_000) + days) * 86_400_000 + 2 * 3_600_000).toISOString();

class Day {
  readonly tally = new UsageTally();
  readonly outside = new Map<string, Outside>();
  /** Measure D1 from outside (no usage lines). */
  measureD1 = false;
  runtime!: Runtime;
  base = "";
  origin = "";
  twinCommands: () => number = () => 0;
  twinKinds: () => ReadonlyMap<string, number> = () => new Map();

  outsideOf(action: string): Outside {
    let o = this.outside.get(action);
    if (!o) {
      o = emptyOutside();
      this.outside.set(action, o);
    }
    return o;
  }

  /**
   * Plays `action` for `people`, `CONCURRENCY` at a time, then waits until the work it queued is done
   * (no new usage line, Upstash command or workerd CPU for a while), so what follows is its own.
   */
  async play(action: string, people: Person[], task: (person: Person, o: Outside) => Promise<void>) {
    if (people.length === 0) return;
    this.tally.begin(action);
    const o = this.outsideOf(action);
    o.people += people.length;
    const cpuBefore = cpuMs(this.runtime.pid);
    const commandsBefore = this.twinCommands();
    const kindsBefore = new Map(this.twinKinds());
    await inParallel(people.length, CONCURRENCY, async (i) => task(people[i] as Person, o));
    await this.settle();
    stillRunning(this.runtime);
    o.cpuMs += cpuMs(this.runtime.pid) - cpuBefore;
    o.storeCommands += this.twinCommands() - commandsBefore;
    for (const [kind, n] of this.twinKinds()) {
      const spent = n - (kindsBefore.get(kind) ?? 0);
      if (spent > 0) o.storeKinds.set(kind, (o.storeKinds.get(kind) ?? 0) + spent);
    }
    this.tally.end();
    console.log(
      `  ${action.padEnd(28)} ${String(people.length).padStart(3)} people  ${o.requests + o.upgrades} calls  ${o.cpuMs.toFixed(0)} ms CPU`,
    );
  }

  /** Waits until nothing moves for 1.5 s (queue batches wait up to 1 s), at most 30 s. */
  async settle() {
    const deadline = Date.now() + 30_000;
    let last = this.fingerprint();
    while (Date.now() < deadline) {
      await sleep(1500);
      const now = this.fingerprint();
      if (now.lines === last.lines && now.commands === last.commands && now.cpu - last.cpu < 15) return;
      last = now;
    }
  }

  private fingerprint() {
    return {
      lines: this.tally.total().lines,
      commands: this.twinCommands(),
      cpu: cpuMs(this.runtime.pid),
    };
  }

  headers(person: Person | null, json = true): Record<string, string> {
    return {
      origin: this.origin,
      "x-atas-csrf": "1",
      ...(json ? { "content-type": "application/json" } : {}),
      ...(person ? { cookie: person.cookie, "cf-connecting-ip": person.ip } : {}),
      ...(this.measureD1 ? { "x-atas-measure": "d1" } : {}),
    };
  }

  /** One call as the browser makes it; throws unless the status is `expect`. */
  async call(o: Outside, person: Person | null, path: string, init: RequestInit = {}, expect = 200) {
    const json = typeof init.body === "string";
    const response = await fetch(`${this.base}${path}`, {
      ...init,
      headers: { ...this.headers(person, json), ...(init.headers as Record<string, string>) },
    });
    o.requests++;
    o.d1RowsRead += Number(response.headers.get("x-d1-rows-read") ?? 0);
    o.d1RowsWritten += Number(response.headers.get("x-d1-rows-written") ?? 0);
    if (response.status !== expect)
      throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  async page(o: Outside, person: Person, path: string) {
    const response = await this.call(o, person, path);
    await response.arrayBuffer();
  }

  async api<T>(o: Outside, person: Person | null, path: string, init: RequestInit = {}, expect = 200) {
    return (await (await this.call(o, person, path, init, expect)).json()) as T;
  }

  socket(person: Person, path: string): Promise<WebSocket> {
    const socket = new NodeWebSocket(`${this.base.replace(/^http/, "ws")}${path}`, {
      headers: { cookie: person.cookie, origin: this.origin, "cf-connecting-ip": person.ip },
    });
    return new Promise((resolve, reject) => {
      socket.addEventListener("message", () => resolve(socket), { once: true });
      socket.addEventListener("error", () => reject(new Error(`${path}: the socket did not open`)), {
        once: true,
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// The day.

interface Cast {
  students: Person[];
  clubs: Person[];
  experts: Person[];
  /** Each club's first officer (a seeded student), signed in during set-up when not among the day's students. */
  officers: Map<Person, Person>;
}

async function playDay(day: Day, people: Cast) {
  const { students, clubs, experts } = people;
  const everyone = [...students, ...clubs, ...experts];
  const setup = day.outsideOf("setup");

  await day.play("sign in", everyone, async (person, o) => {
    const response = await day.call(o, null, "/api/auth/login", {
      method: "POST",
      headers: { "cf-connecting-ip": person.ip },
      body: JSON.stringify({ email: person.email, password: DEMO_PASSWORD }),
    });
    person.cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    person.id = ((await response.json()) as { account: { id: string } }).account.id;
    // The web app keeps the inbox socket open while signed in (web/app/lib/use-inbox.ts).
    const socket = await day.socket(person, "/api/inbox");
    o.upgrades++;
    const drafts = new Map<string, () => void>();
    socket.addEventListener("message", (event) => {
      const frame = JSON.parse(String(event.data)) as { type: string; draftId?: string; status?: string };
      if (frame.type === "draft" && (frame.status === "ready" || frame.status === "failed"))
        drafts.get(frame.draftId ?? "")?.();
    });
    person.inbox = { socket, drafts };
  });

  // Officers who are not among the day's students sign in outside the day.
  for (const officer of people.officers.values()) {
    if (officer.cookie) continue;
    const response = await day.call(setup, null, "/api/auth/login", {
      method: "POST",
      headers: { "cf-connecting-ip": officer.ip },
      body: JSON.stringify({ email: officer.email, password: DEMO_PASSWORD }),
    });
    officer.cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  }

  // What each reader will open: their own discover feed (read outside any action).
  const feeds = new Map<Person, string[]>();
  for (const person of students) {
    const page = await day.api<{ notes: { id: string }[] }>(setup, person, "/api/feed/discover?limit=20");
    feeds.set(
      person,
      page.notes.map((n) => n.id),
    );
  }
  const notesOf = (person: Person, n: number, offset = 0) =>
    (feeds.get(person) ?? []).slice(offset, offset + n);

  await day.play("student: read discover", students, async (person, o) => {
    for (let i = 0; i < STUDENT_DAY.discoverPages; i++) await day.page(o, person, "/discover");
  });
  await day.play("club: read discover", clubs, async (person, o) => {
    for (let i = 0; i < CLUB_DAY.discoverPages; i++) await day.page(o, person, "/discover");
  });
  await day.play("student: read following", students, async (person, o) => {
    for (let i = 0; i < STUDENT_DAY.followingPages; i++) await day.page(o, person, "/following");
  });
  await day.play("student: open notes", students, async (person, o) => {
    for (const id of notesOf(person, STUDENT_DAY.notesOpened)) await day.page(o, person, `/notes/${id}`);
  });
  await day.play("student: like", students, async (person, o) => {
    for (const id of notesOf(person, STUDENT_DAY.likes))
      await day.api(o, person, `/api/notes/${id}/like`, { method: "PUT" });
  });
  await day.play("student: comment", students, async (person, o) => {
    for (const id of notesOf(person, STUDENT_DAY.comments, 1))
      await day.api(
        o,
        person,
        `/api/notes/${id}/comments`,
        { method: "POST", body: JSON.stringify({ body: "Thanks for sharing this, very useful." }) },
        201,
      );
  });
  const posters = students.filter((_, i) => i % STUDENT_DAY.postEvery === 0);
  await day.play("student: post with image", posters, async (person, o) => {
    const form = new FormData();
    form.set("original", new Blob([PNG_1X1], { type: "image/png" }), "photo.png");
    o.imageBytes += PNG_1X1.length;
    const uploaded = await day.api<{ image: { id: string } }>(
      o,
      person,
      "/api/note-images",
      { method: "POST", body: form },
      201,
    );
    await day.api(
      o,
      person,
      "/api/notes",
      {
        method: "POST",
        body: JSON.stringify({
          title: "Study spot of the week",
          body: "The quiet corner on level 3 of the library has sockets at every desk.",
          imageIds: [uploaded.image.id],
          visibility: "public",
        }),
      },
      201,
    );
  });
  await day.play("student: chat in a room", students, async (person, o) => {
    await day.page(o, person, "/rooms/topic:careers");
    const socket = await day.socket(person, "/api/rooms/topic:careers/ws");
    o.upgrades++;
    for (let i = 0; i < STUDENT_DAY.roomMessages; i++) {
      const id = crypto.randomUUID();
      const sent = performance.now();
      const acked = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no ack for a room message in 20 s")), 20_000);
        const onMessage = (event: MessageEvent) => {
          const frame = JSON.parse(String(event.data)) as { type: string; id?: string };
          if (frame.type === "ack" && frame.id === id) {
            clearTimeout(timer);
            socket.removeEventListener("message", onMessage);
            resolve();
          }
        };
        socket.addEventListener("message", onMessage);
      });
      socket.send(JSON.stringify({ type: "message", id, body: `See you at the careers fair (${i + 1})` }));
      o.wsMessages++;
      await acked;
      o.wsRoundTripMs += performance.now() - sent;
    }
    socket.close(1000);
  });
  const words = ["payments", "cloud", "design", "startups", "data"];
  await day.play("student: search experts", students, async (person, o) => {
    for (let i = 0; i < STUDENT_DAY.expertSearches; i++)
      await day.page(o, person, `/experts?q=${words[(ipCounter + i) % words.length]}`);
  });
  await day.play("club: search experts", clubs, async (person, o) => {
    for (let i = 0; i < CLUB_DAY.expertSearches; i++)
      await day.page(o, person, `/experts?q=${words[i % words.length]}`);
  });

  // Each club invites one of the day's experts, drafts the proposal with AI, sends it.
  const invitations = new Map<Person, { id: string; expert: Person }>();
  await day.play("club: invite", clubs, async (person, o) => {
    const expert = experts[clubs.indexOf(person) % experts.length] as Person;
    const { id } = await day.api<{ id: string }>(
      o,
      person,
      "/api/invitations",
      {
        method: "POST",
        body: JSON.stringify({
          expertId: expert.id,
          kind: "talk",
          title: "Building for campus scale",
          agenda: "How a product team ships to students; Q&A.",
          slots: [morningIn(5), morningIn(6)],
          durationMinutes: 60,
          format: "online",
          audienceSize: 80,
          honorarium: null,
          language: "en",
          responseDeadline: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        }),
      },
      201,
    );
    invitations.set(person, { id, expert });
  });
  await day.play("club: draft with AI", clubs, async (person, o) => {
    const invitation = invitations.get(person);
    if (!invitation || !person.inbox) throw new Error("no invitation to draft");
    const { draftId } = await day.api<{ draftId: string }>(
      o,
      person,
      `/api/invitations/${invitation.id}/draft`,
      { method: "POST", body: JSON.stringify({ tone: "warm", length: "medium" }) },
      202,
    );
    // The page learns the draft is ready from the inbox socket (no polling).
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the draft did not finish in 60 s")), 60_000);
      person.inbox?.drafts.set(draftId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  });
  // A club's draft needs an officer's sign-off (a student officer of the club), then the club sends it.
  await day.play("club: sign off and send", clubs, async (person, o) => {
    const invitation = invitations.get(person);
    const officer = people.officers.get(person);
    if (!invitation || !officer) throw new Error("no invitation or officer");
    await day.call(o, officer, `/api/invitations/${invitation.id}/sign-off`, { method: "POST" }, 204);
    await day.api(o, person, `/api/invitations/${invitation.id}/send`, { method: "POST" });
  });
  const received = experts.filter((expert) => [...invitations.values()].some((i) => i.expert === expert));
  await day.play("expert: accept", received, async (person, o) => {
    await day.page(o, person, "/invitations");
    for (const invitation of invitations.values()) {
      if (invitation.expert !== person) continue;
      await day.page(o, person, `/invitations/${invitation.id}`);
      const seen = await day.api<{ slots: { id: string }[] }>(o, person, `/api/invitations/${invitation.id}`);
      await day.api(o, person, `/api/invitations/${invitation.id}/accept`, {
        method: "POST",
        body: JSON.stringify({ slotId: seen.slots[0]?.id }),
      });
    }
  });
  await day.play("sign out (inbox closes)", everyone, async (person) => {
    person.inbox?.socket.close(1000);
  });
}

// ---------------------------------------------------------------------------------------------
// From counts to the table.

/** The units one action used, from the usage lines when there are any, else from outside. */
function unitsOfAction(tally: Tally | undefined, o: Outside, linesSeen: boolean): UnitCounts {
  const units = emptyUnits();
  if (linesSeen && tally) addUnits(units, tally.units);
  else
    addUnits(units, {
      requests: o.requests + o.upgrades,
      d1RowsRead: o.d1RowsRead,
      d1RowsWritten: o.d1RowsWritten,
      doRequests: o.upgrades,
    });
  // Neither view sees inside the objects: messages sent on sockets bill 1 request per 20, and keep
  // the room's object active (at 128 MB) for at most their round trip.
  units.doRequests += o.wsMessages / 20;
  units.doGbSeconds += (o.wsRoundTripMs / 1000) * (128 / 1024);
  units.cpuMs = o.cpuMs;
  // The twin counts every command, from requests and from consumers alike.
  units.storeCommands = o.storeCommands;
  return units;
}

const scaled = (units: UnitCounts, by: number): UnitCounts => {
  const out = emptyUnits();
  for (const name of UNIT_NAMES) out[name] = units[name] * by;
  return out;
};

const fmt = (n: number, digits = 1) =>
  n === 0
    ? "0"
    : Math.abs(n) >= 1000
      ? Math.round(n).toLocaleString("en-US")
      : n.toFixed(Math.abs(n) < 1 ? 3 : digits);
const dollars = (n: number) => `$${n.toFixed(2)}`;

const UNIT_LABEL: Record<keyof UnitCounts, string> = {
  requests: "Worker invocations",
  cpuMs: "CPU ms (upper bound)",
  d1RowsRead: "D1 rows read",
  d1RowsWritten: "D1 rows written",
  doRequests: "DO requests",
  doGbSeconds: "DO GB-s",
  queueOps: "queue operations",
  r2ClassA: "R2 class A",
  r2ClassB: "R2 class B",
  storeCommands: "Upstash commands",
  aiPromptTokens: "AI prompt tokens",
  aiCompletionTokens: "AI completion tokens",
};

const COMPONENT_LABEL: Record<Component, string> = {
  workers: "Workers (incl. $5 base)",
  d1: "D1",
  durableObjects: "Durable Objects",
  queues: "Queues",
  r2: "R2",
  store: "Upstash Redis",
  ai: "AI tokens (apart)",
};

/** A month at `dau` daily active users: their days, the crons' fixed runs, what is stored by the month's end. */
function monthAt(dau: number, perUserDay: UnitCounts, cronPerDay: UnitCounts, bytesPerUserDay: number) {
  const month = addUnits(monthOf(perUserDay, dau, DAYS), scaled(cronPerDay, DAYS));
  const storage: StoredGb = {
    d1: dau * STORED_PER_DAU.d1Gb,
    store: dau * STORED_PER_DAU.storeGb,
    durableObjects: dau * STORED_PER_DAU.doGb,
    r2: (dau * DAYS * bytesPerUserDay) / 1e9,
  };
  return monthlyBill(month, storage);
}

async function main() {
  // The limiters run in memory: a shared Redis would carry other runs' counts.
  process.env.REDIS_URL ??= "memory";
  const frozen = mkdtempSync(join(tmpdir(), "atas-cost-"));
  const state = join(frozen, "state");
  const { startPlatform } = await snapshot(frozen);
  const day = new Day();
  let stopping = false;
  console.log(
    `npm run cost: a scripted day of ${STUDENTS} students, ${CLUBS} clubs and ${EXPERT_COUNT} experts (COST_STUDENTS, COST_CLUBS, COST_EXPERTS)`,
  );
  const platform = await startPlatform({
    port: PORT,
    persistTo: state,
    fresh: true,
    // Once the day is over, wrangler's exit on our SIGTERM is no news.
    log: (line) => {
      if (!stopping) console.log(`  ${line.slice(0, 160)}`);
    },
    onOutput: (line) => {
      day.tally.read(line);
      if (wranglerLog) appendFileSync(wranglerLog, `${line}\n`);
    },
  });
  try {
    day.runtime = await innerRuntime(PORT, async (base) => (await fetch(`${base}/openapi.json`)).ok);
    day.base = `http://127.0.0.1:${day.runtime.port}`;
    day.origin = platform.url;
    day.twinCommands = () => platform.upstash.commands;
    day.twinKinds = () => platform.upstash.commandsByKind;
    const linesSeen = day.tally.total().lines > 0;
    day.measureD1 = !linesSeen;
    console.log(
      linesSeen
        ? `usage lines: ${day.tally.total().lines} seen while seeding; the worker's own counts are used`
        : "usage lines: none in wrangler's output; OUTSIDE MEASUREMENTS ONLY (requests, upgrades and D1 rows of API calls the script made; queue, R2 and in-page D1 not seen: lower bounds)",
    );
    console.log(`load to workerd's own port ${day.runtime.port} (wrangler dev's proxy is on ${PORT})\n`);

    const person = (kind: Kind, email: string): Person => ({ kind, email, ip: nextIp(), cookie: "", id: "" });
    const students = demoStudents()
      .slice(0, STUDENTS)
      .map((s) => person("student", s.email));
    const clubs = SEEDED_CLUBS.slice(0, CLUBS).map((c) => person("club", c.email));
    const experts = EXPERTS.slice(0, EXPERT_COUNT).map((e) => person("expert", expertEmail(e.name)));

    // Set-up (not billed to the day): the experts accept invitations all week; each club's officer.
    const setup = day.outsideOf("setup");
    const officers = new Map<Person, Person>();
    const everyStudent = demoStudents();
    for (const [i, club] of clubs.entries()) {
      const email = everyStudent[SEEDED_CLUBS[i]?.officerIndexes[0] ?? 0]?.email ?? "";
      const officer = students.find((s) => s.email === email) ?? person("student", email);
      officers.set(club, officer);
    }
    for (const expert of experts) {
      const response = await day.call(setup, null, "/api/auth/login", {
        method: "POST",
        headers: { "cf-connecting-ip": expert.ip },
        body: JSON.stringify({ email: expert.email, password: DEMO_PASSWORD }),
      });
      const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      const availability = Array.from({ length: 7 }, (_, weekday) => ({
        weekday,
        start: "00:00",
        end: "23:59",
        timeZone: "Asia/Kuala_Lumpur",
      }));
      await day.api(setup, { ...expert, cookie }, "/api/me/profile", {
        method: "PATCH",
        body: JSON.stringify({ expert: { availability, acceptingInvitations: true } }),
      });
    }

    console.log("playing the day (calls, workerd CPU per action):");
    await playDay(day, { students, clubs, experts, officers });

    // The crons, once each: their cost is per run, not per user.
    const cronUnits = emptyUnits();
    for (const { cron, perDay } of CRONS) {
      const label = `cron ${cron}`;
      await day.play(label, [person("student", "cron")], async (_, o) => {
        const response = await fetch(
          `${platform.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}`,
        );
        if (!response.ok) throw new Error(`${label}: ${response.status}`);
        o.people = 0;
      });
      const o = day.outsideOf(label);
      const units = unitsOfAction(day.tally.actions.get(label), o, linesSeen);
      if (!linesSeen) units.requests = 1;
      addUnits(cronUnits, scaled(units, perDay));
    }

    // AI tokens from outside: the admin page's count of the day's drafts.
    let outsideAi = { promptTokens: 0, completionTokens: 0 };
    if (!linesSeen) {
      const admin = person("expert", "admin@atas.dev");
      const login = await day.call(setup, null, "/api/auth/login", {
        method: "POST",
        headers: { "cf-connecting-ip": admin.ip },
        body: JSON.stringify({ email: admin.email, password: DEMO_PASSWORD }),
      });
      admin.cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      outsideAi = await day.api(setup, admin, "/api/admin/ai-usage");
    }

    report(day, { students, clubs, experts, officers }, cronUnits, linesSeen, outsideAi);
  } finally {
    stopping = true;
    await platform.stop();
    rmSync(frozen, { recursive: true, force: true });
  }
}

function report(
  day: Day,
  people: Cast,
  cronPerDay: UnitCounts,
  linesSeen: boolean,
  outsideAi: { promptTokens: number; completionTokens: number },
) {
  const counts: Record<Kind, number> = {
    student: people.students.length,
    club: people.clubs.length,
    expert: people.experts.length,
  };
  const perKind: Record<Kind, UnitCounts> = {
    student: emptyUnits(),
    club: emptyUnits(),
    expert: emptyUnits(),
  };
  let bytes = 0;

  console.log("\nper action, per person who did it:");
  const columns: (keyof UnitCounts)[] = [
    "requests",
    "cpuMs",
    "d1RowsRead",
    "d1RowsWritten",
    "storeCommands",
    "queueOps",
    "doRequests",
    "r2ClassA",
    "r2ClassB",
  ];
  console.log(
    `  ${"action".padEnd(28)}${["calls", "CPU ms", "D1 read", "D1 write", "Upstash", "queue", "DO req", "R2 A", "R2 B"].map((h) => h.padStart(9)).join("")}`,
  );
  for (const [action, o] of day.outside) {
    if (action === "setup" || action.startsWith("cron ")) continue;
    const units = unitsOfAction(day.tally.actions.get(action), o, linesSeen);
    bytes += o.imageBytes;
    const everyone = action === "sign in" || action.startsWith("sign out");
    const kinds: Kind[] = everyone ? ["student", "club", "expert"] : [action.split(":")[0] as Kind];
    // An action of one kind is all that kind's (some of them may not do it: one student in three
    // posts); an action everyone did is split by head count (each did the same).
    for (const kind of kinds)
      addUnits(perKind[kind], everyone ? scaled(units, counts[kind] / Math.max(1, o.people)) : units);
    const per = scaled(units, 1 / Math.max(1, o.people));
    console.log(`  ${action.padEnd(28)}${columns.map((c) => fmt(per[c]).padStart(9)).join("")}`);
  }
  for (const [action, o] of day.outside) {
    if (!action.startsWith("cron ")) continue;
    const units = unitsOfAction(day.tally.actions.get(action), o, linesSeen);
    console.log(
      `  ${`${action} (a run)`.padEnd(28)}${columns.map((c) => fmt(units[c]).padStart(9)).join("")}`,
    );
  }

  console.log(
    "\nUpstash commands per person by kind (command, key prefix), where an action spends 3 or more:",
  );
  for (const [action, o] of day.outside) {
    const people = Math.max(1, o.people);
    if (action === "setup" || o.storeCommands / people < 3) continue;
    const kinds = [...o.storeKinds]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([kind, n]) => `${kind} ${fmt(n / people)}`);
    console.log(`  ${action.padEnd(28)}${kinds.join(", ")}`);
  }

  const perUserDay = emptyUnits();
  for (const kind of Object.keys(MIX) as Kind[])
    addUnits(perUserDay, scaled(perKind[kind], MIX[kind] / Math.max(1, counts[kind])));
  if (!linesSeen) {
    const clubs = Math.max(1, counts.club);
    perUserDay.aiPromptTokens = (outsideAi.promptTokens / clubs) * MIX.club;
    perUserDay.aiCompletionTokens = (outsideAi.completionTokens / clubs) * MIX.club;
  }
  const bytesPerUserDay = (bytes / Math.max(1, counts.student)) * MIX.student;

  console.log(
    `\nunits per active user per day (mix: ${Object.entries(MIX)
      .map(([k, v]) => `${(v * 100).toFixed(0)}% ${k}s`)
      .join(", ")}), and the crons' fixed runs a day:`,
  );
  for (const name of UNIT_NAMES)
    console.log(
      `  ${UNIT_LABEL[name].padEnd(24)}${fmt(perUserDay[name]).padStart(12)}${fmt(cronPerDay[name]).padStart(14)}`,
    );

  const bills = SCALES.map((dau) => ({ dau, ...monthAt(dau, perUserDay, cronPerDay, bytesPerUserDay) }));
  console.log(`\ndollars a month (${DAYS} days), by component:`);
  console.log(
    `  ${"component".padEnd(26)}${bills.map((b) => `${b.dau.toLocaleString("en-US")} DAU`.padStart(14)).join("")}`,
  );
  for (const component of [...PLATFORM_COMPONENTS, "ai"] as Component[])
    console.log(
      `  ${COMPONENT_LABEL[component].padEnd(26)}${bills.map((b) => dollars(b.byComponent[component]).padStart(14)).join("")}`,
    );
  console.log(
    `  ${"total, AI apart".padEnd(26)}${bills.map((b) => dollars(b.platform).padStart(14)).join("")}`,
  );

  const atGoal = bills.find((b) => b.dau === GOAL.dailyActiveUsers);
  if (atGoal) {
    const overages = PLATFORM_COMPONENTS.map((c) => ({
      c,
      d: atGoal.byComponent[c] - (c === "workers" ? 5 : 0),
    })).sort((a, b) => b.d - a.d);
    const top = overages[0];
    console.log(
      `\ngoal: ${GOAL.dailyActiveUsers.toLocaleString("en-US")} DAU for <= ${dollars(GOAL.dollars)} a month, AI apart: ${dollars(atGoal.platform)} -> ${atGoal.platform <= GOAL.dollars ? "MET" : "NOT MET"}` +
        (top ? `; largest above the base: ${COMPONENT_LABEL[top.c]} ${dollars(top.d)}` : ""),
    );
  }
  console.log(
    `prices: worker/src/ops/prices.ts (${[...new Set(METERS.map((m) => m.checked))].join(", ")}; re-check before relying on them)`,
  );
  if (!linesSeen)
    console.log(
      "source: OUTSIDE MEASUREMENTS (no usage lines): invocations and D1 rows are lower bounds; queue operations and R2 are not seen",
    );
  const total = day.tally.total();
  if (linesSeen) {
    const played = [...day.outside.keys()].filter((action) => action !== "setup");
    const twin = played.reduce((sum, a) => sum + day.outsideOf(a).storeCommands, 0);
    const lines = played.reduce((sum, a) => sum + (day.tally.actions.get(a)?.units.storeCommands ?? 0), 0);
    console.log(
      `Upstash commands during the played actions: ${fmt(twin)} counted by the twin, ${fmt(lines)} by the usage lines`,
    );
  }
  if (total.malformed > 0 || total.errors > 0)
    console.log(`usage lines: ${total.malformed} malformed, ${total.errors} error lines during the run`);
}

await main();
