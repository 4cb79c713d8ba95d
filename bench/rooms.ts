/**
 * Live rooms under load, ours against Cloudflare's public chat demo (workers-chat-demo) in the same
 * local runtime, at three room sizes (SIZES, default 10, 100 and 500 sockets). For each size, fresh
 * rooms: SOCKETS sockets join one room; then SENDERS of them send RATE messages a second between them
 * for the size's seconds, and every socket receives every message (RATE x sockets deliveries a
 * second). Each size runs ours (the adaptive broadcast window), ours with the old fixed 40 ms window
 * (`ROOM_BROADCAST=fixed`, a second runtime of the same code; FIXED=0 leaves it out), and the demo,
 * back to back. A delivery is one message reaching one socket: ours may carry several in one
 * `messages` frame, each counted, timed and order-checked on its own. Prints, per size, every figure
 * side by side: connect time, the frames and workerd CPU per join while the room filled, the share
 * of deliveries made and the frames that carried them, order kept per sender, duplicates,
 * p50/p95/p99 delivery latency, workerd's CPU per delivery, the load average; then one summary
 * table. Targets: p95 no worse than the demo's, at least 1.5x its deliveries per workerd CPU
 * second, all delivered in order, and joining not O(N²). Asserts no timing. `QUICK=1`: 4 s a size,
 * for development. A full run takes about 8 minutes here.
 *
 * Ours is held to its per-person rules like anyone else: at most SOCKETS_PER_PERSON sockets per
 * person in a room, and one message bucket per person (RATE_LIMIT) across all their sockets. So it
 * gets its own accounts, seeded in bulk SQL before wrangler starts: enough that no one holds more
 * than the cap, and each sender its own account, sending no faster than its bucket refills.
 *
 * Both run under `wrangler dev` (ours through scripts/platform.ts), but the load goes
 * straight to the inner workerd that runs the worker and its Durable Objects, found through /proc:
 * wrangler dev's proxy in front of it is a development tool, not part of what is measured. Ours
 * runs from a copy of the app taken at the start, so others' edits cannot reload it mid-run. The
 * load generator offers permessage-deflate, as browsers do: the demo accepts it, ours declines it
 * (worker/src/rooms/routes/rooms.ts says why), and the report shows what each agreed to. The demo is never copied
 * into the repo: its source files are read from CHAT_DEMO (a checkout or a bare git directory; by
 * default the mirror, else a shallow clone) into a temporary directory, with its per-IP limiter made
 * to always allow.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { QUIET_WRANGLER_ENV, ROOT } from "../scripts/platform.ts";
import {
  cpuMs,
  innerRuntime,
  machineCpuMs,
  type Runtime,
  statOf,
  stillRunning,
} from "../scripts/workerd-process.ts";
import { RATE_LIMIT, SOCKETS_PER_PERSON } from "../worker/src/realtime/room-protocol.ts";
import { hashPassword } from "../worker/src/shared/crypto.ts";
import { benchId, inserts } from "./seed-sql.ts";
import { percentile, seedUnlessReused, snapshot } from "./support.ts";

/** Room sizes, each run for ours, ours with the old fixed window, and the demo, back to back. */
const SIZES = (process.env.SIZES ?? "10,100,500").split(",").map(Number);
/** `QUICK=1`: a few seconds of load per size, for development; the figures are rougher. */
const QUICK = Boolean(process.env.QUICK);
/** Seconds of load per size: SECONDS for all, else 15 s (30 s at 500 and above), 4 s when QUICK. */
const secondsFor = (sockets: number) => Number(process.env.SECONDS ?? (QUICK ? 4 : sockets >= 500 ? 30 : 15));
/** `FIXED=0` skips ours with the old fixed 40 ms window (a third runtime) in quick runs. */
const WITH_FIXED = process.env.FIXED !== "0";
/** The issue's load: 10 senders at 5 a second each (our per-person limit allows 5 a second, bursts of 10). */
const SENDERS = Number(process.env.SENDERS ?? 10);
const RATE = Number(process.env.RATE ?? 50);
/**
 * Accounts for ours: no one above SOCKETS_PER_PERSON sockets in the biggest room (socket i signs in as
 * account i mod ACCOUNTS), and at least one per sender, so the senders (sockets 0 to SENDERS-1) are
 * distinct people each with their own bucket.
 */
const ACCOUNTS = Math.max(SENDERS, Math.ceil(Math.max(...SIZES) / SOCKETS_PER_PERSON));
const PASSWORD = "bench passphrase 2026";
// Faster than a person's bucket refills, a sender would be refused once its burst is spent: that
// measures the limiter, not the room.
if (RATE / SENDERS > RATE_LIMIT.perSecond)
  throw new Error(
    `${RATE} msg/s from ${SENDERS} senders is ${RATE / SENDERS}/s each, above the per-person limit of ` +
      `${RATE_LIMIT.perSecond}/s: use at least SENDERS=${Math.ceil(RATE / RATE_LIMIT.perSecond)}`,
  );
const CONNECT_CONCURRENCY = Number(process.env.CONNECT_CONCURRENCY ?? 25);
/** Our presence frames go out at most once a second: wait for the last one before counting. */
const SETTLE_MS = 2000;
/** After the last message: wait until every socket has everything, or nothing arrives for this long. */
const QUIET_MS = 3000;
const DRAIN_MS = 20_000;
/** wrangler dev's ports (this benchmark's range is 8830-8839); the load goes to the workerd behind each. */
const OURS_PORT = Number(process.env.OURS_PORT ?? 8831);
const FIXED_PORT = Number(process.env.FIXED_PORT ?? 8832);
const DEMO_PORT = Number(process.env.DEMO_PORT ?? 8833);
const DEMO_MIRROR = "/work/.mirror/cloudflare+workers-chat-demo/repo";
const DEMO_REPO = "https://github.com/cloudflare/workers-chat-demo";
/** Ours has four topic rooms seeded by the migrations, open to anyone signed in: a fresh one per size. */
const TOPIC_ROOMS = ["topic:ai", "topic:internships", "topic:careers", "topic:startups"];
if (SIZES.length > TOPIC_ROOMS.length || SIZES.some((n) => !(Number.isInteger(n) && n >= SENDERS)))
  throw new Error(`SIZES: at most ${TOPIC_ROOMS.length} room sizes, each at least SENDERS (${SENDERS})`);

/** A room size and how long its senders send; each gets fresh rooms. */
interface Config {
  sockets: number;
  seconds: number;
  ourRoom: string;
  demoRoom: string;
}
const CONFIGS: Config[] = SIZES.map((sockets, i) => ({
  sockets,
  seconds: secondsFor(sockets),
  ourRoom: TOPIC_ROOMS[i] ?? "",
  demoRoom: `room-${sockets}`,
}));

// Logins come from one address each (the log-in limiter allows 20 a minute per address), and a shared
// Redis would carry other runs' per-account counts: the limiters run in memory here.
process.env.REDIS_URL ??= "memory";
// wrangler dev attaches a local trace collector to every worker it runs (X_LOCAL_OBSERVABILITY, on by
// default): each event's spans go by RPC into a Durable Object of its own, about a third of workerd's
// CPU for each chat message here, ours and the demo's alike. A development tool, like the proxy: off
// for both. `X_LOCAL_OBSERVABILITY=true` measures with it.
process.env.X_LOCAL_OBSERVABILITY ??= "false";

// ---------------------------------------------------------------------------------------------
// The two chats, as the load generator sees them.

/** A frame as JSON gives it; each chat reads its own fields. */
type Frame = Record<string, unknown>;

interface Chat {
  label: string;
  wsUrl: string;
  headers(socket: number): Record<string, string>;
  /** What a socket sends as soon as it is open (the demo's name), if anything. */
  hello?(socket: number): string;
  /** The frame that says the socket is in the room with its backlog. */
  joined(frame: Frame): boolean;
  /** The bodies of the chat messages a frame carries, in order; none for any other frame. */
  bodiesOf(frame: Frame): string[];
  /** What a sender sends to post `body`. */
  post(body: string): string;
  /** The frame's kind, for counting frames. */
  kindOf(frame: Frame): string;
}

/** Node's WebSocket (undici) takes request headers; the DOM typing does not know it. */
const NodeWebSocket = WebSocket as unknown as new (
  url: string,
  init: { headers: Record<string, string> },
) => WebSocket;

/** What the sockets received in one phase: frames by kind, and for chat messages, who got which. */
class Phase {
  frames = 0;
  kinds = new Map<string, number>();
  sent = 0;
  firstSentAt = 0;
  lastSentAt = 0;
  delivered = 0;
  duplicates = 0;
  /** A message that reached a socket after a later one from the same sender. */
  outOfOrder = 0;
  /** Length of a one-message frame as received (before any WebSocket compression). */
  messageChars = 0;
  lastDeliveredAt = 0;
  readonly senders: number;
  readonly messages: number;
  private latencies: Float64Array;
  private seen: Uint8Array[];
  private lastSeq: Int32Array[];
  private sorted: number[] | null = null;

  constructor(sockets: number, senders: number, messages: number) {
    this.senders = senders;
    this.messages = messages;
    this.latencies = new Float64Array(sockets * messages);
    this.seen = Array.from({ length: sockets }, () => new Uint8Array(messages));
    this.lastSeq = Array.from({ length: sockets }, () => new Int32Array(senders).fill(-1));
  }

  count(kind: string) {
    this.frames++;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }

  /** A message `body` (`sender:seq:sentAt`) reached `socket` at `at` (performance.now()). */
  receive(socket: number, body: string, at: number) {
    const [sender = -1, seq = -1, sentAt = 0] = body.split(":").map(Number);
    const index = seq * this.senders + sender;
    const seen = this.seen[socket];
    const last = this.lastSeq[socket];
    if (!seen || !last || !(index >= 0 && index < this.messages)) return;
    if (seen[index]) {
      this.duplicates++;
      return;
    }
    seen[index] = 1;
    if (seq < (last[sender] ?? -1)) this.outOfOrder++;
    else last[sender] = seq;
    this.latencies[this.delivered++] = at - sentAt;
    this.lastDeliveredAt = at;
  }

  /** Delivery latency percentile in ms (nearest rank, as support.ts). */
  latency(p: number): number {
    // Sorted once; percentile's own sort of a sorted copy is then linear.
    this.sorted ??= Array.from(this.latencies.subarray(0, this.delivered)).sort((a, b) => a - b);
    return percentile(this.sorted, p);
  }
}

interface Client {
  socket: WebSocket;
  /** From opening the socket to being in the room, in ms. */
  connectMs: number;
}

/** The load generator: opens the sockets, drives the senders, records every arrival. */
class Crowd {
  clients: Client[] = [];
  phase: Phase = new Phase(0, 1, 0);
  closed = 0;
  readonly chat: Chat;

  constructor(chat: Chat) {
    this.chat = chat;
  }

  private open(index: number): Promise<Client> {
    const { chat } = this;
    const started = performance.now();
    const socket = new NodeWebSocket(chat.wsUrl, { headers: chat.headers(index) });
    return new Promise<Client>((resolve, reject) => {
      let inRoom = false;
      const timer = setTimeout(
        () => reject(new Error(`${chat.label}: socket ${index} not in the room after 60 s`)),
        60_000,
      );
      socket.addEventListener("open", () => {
        const hello = chat.hello?.(index);
        if (hello) socket.send(hello);
      });
      socket.addEventListener("message", (event) => {
        const at = performance.now();
        const text = String(event.data);
        const frame = JSON.parse(text) as Frame;
        const phase = this.phase;
        phase.count(chat.kindOf(frame));
        const bodies = chat.bodiesOf(frame);
        for (const body of bodies) phase.receive(index, body, at);
        if (bodies.length === 1) phase.messageChars = text.length;
        if (!inRoom && chat.joined(frame)) {
          inRoom = true;
          clearTimeout(timer);
          resolve({ socket, connectMs: at - started });
        }
      });
      socket.addEventListener("close", (event) => {
        this.closed++;
        if (!inRoom) {
          clearTimeout(timer);
          reject(
            new Error(`${chat.label}: socket ${index} closed before joining (${event.code} ${event.reason})`),
          );
        }
      });
    });
  }

  /** Opens `count` sockets, CONNECT_CONCURRENCY at a time; each counts once it is in the room. */
  async fill(count: number) {
    const clients: Client[] = new Array(count);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECT_CONCURRENCY }, async () => {
        while (next < count) {
          const index = next++;
          clients[index] = await this.open(index);
        }
      }),
    );
    this.clients = clients;
  }

  /**
   * `rate` messages a second for `seconds`, from the sockets at `senderIndexes` in turn, each
   * carrying its sender, that sender's sequence number and when it was sent.
   */
  async send(senderIndexes: number[], rate: number, seconds: number): Promise<Phase> {
    const messages = Math.round(rate * seconds);
    const phase = new Phase(this.clients.length, senderIndexes.length, messages);
    this.phase = phase;
    const every = 1000 / rate;
    const start = performance.now();
    phase.firstSentAt = start;
    for (let j = 0; j < messages; j++) {
      const wait = start + j * every - performance.now();
      if (wait > 1) await sleep(wait);
      const sender = j % senderIndexes.length;
      const client = this.clients[senderIndexes[sender] ?? -1];
      if (!client) throw new Error(`no sender socket ${senderIndexes[sender]}`);
      const sentAt = performance.now();
      const seq = Math.floor(j / senderIndexes.length);
      client.socket.send(this.chat.post(`${sender}:${seq}:${sentAt.toFixed(3)}`));
      phase.sent++;
      phase.lastSentAt = sentAt;
    }
    return phase;
  }

  /** Waits until every socket has every message, or nothing arrives for QUIET_MS, or DRAIN_MS. */
  async drain(phase: Phase) {
    const expected = (phase.sent - (phase.kinds.get("error:rate-limited") ?? 0)) * this.clients.length;
    const deadline = performance.now() + DRAIN_MS;
    while (phase.delivered < expected && performance.now() < deadline) {
      if (performance.now() - Math.max(phase.lastDeliveredAt, phase.lastSentAt) > QUIET_MS) break;
      await sleep(100);
    }
  }

  close() {
    for (const { socket } of this.clients) socket.close(1000);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// One measured run.

interface Measured {
  chat: Chat;
  config: Config;
  /** The WebSocket extensions the server accepted (undici offers permessage-deflate, as browsers do). */
  extensions: string;
  connect: number[];
  joinFrames: Phase;
  joinCpuMs: number;
  load: Phase;
  /** workerd's CPU while the senders sent, and until the drain ended. */
  sendCpuMs: number;
  sendMs: number;
  loadCpuMs: number;
  /** wrangler's other processes (its node, the proxy's workerd) during the load. */
  aroundCpuMs: number;
  generatorCpuMs: number;
  /** CPU time of the whole machine during the load, all cores, in ms. */
  machineBusyMs: number;
  wallMs: number;
  /** /proc/loadavg's three figures when the load began: the machine is shared. */
  loadavg: string;
}

/** Waits (up to 20 s) until neither runtime is still working off an earlier run: under 5 % of a core. */
async function idle(runtimes: Runtime[]) {
  const total = () => runtimes.reduce((sum, runtime) => sum + cpuMs(runtime.pid), 0);
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    const before = total();
    await sleep(500);
    if (total() - before < 25) return;
  }
}

const aroundMs = (runtime: Runtime) =>
  runtime.others.reduce((sum, pid) => sum + (statOf(pid) ? cpuMs(pid) : 0), 0);

async function measure(chat: Chat, runtime: Runtime, config: Config): Promise<Measured> {
  const crowd = new Crowd(chat);
  const joinPhase = new Phase(config.sockets, 1, 0);
  crowd.phase = joinPhase;
  const joinCpuBefore = cpuMs(runtime.pid);
  try {
    await crowd.fill(config.sockets);
    await sleep(SETTLE_MS);
    const joinCpuMs = cpuMs(runtime.pid) - joinCpuBefore;
    stillRunning(runtime);
    const senders = Array.from({ length: SENDERS }, (_, k) => k);
    const before = {
      workerd: cpuMs(runtime.pid),
      around: aroundMs(runtime),
      generator: process.cpuUsage(),
      machine: machineCpuMs(),
      loadavg: loadavg(),
      at: performance.now(),
    };
    const load = await crowd.send(senders, RATE, config.seconds);
    const sendCpuMs = cpuMs(runtime.pid) - before.workerd;
    const sendMs = performance.now() - before.at;
    await crowd.drain(load);
    const generator = process.cpuUsage(before.generator);
    const measured: Measured = {
      chat,
      config,
      extensions: crowd.clients[0]?.socket.extensions || "none",
      connect: crowd.clients.map((c) => c.connectMs),
      joinFrames: joinPhase,
      joinCpuMs,
      load,
      sendCpuMs,
      sendMs,
      loadCpuMs: cpuMs(runtime.pid) - before.workerd,
      aroundCpuMs: aroundMs(runtime) - before.around,
      generatorCpuMs: (generator.user + generator.system) / 1000,
      machineBusyMs: machineCpuMs() - before.machine,
      wallMs: performance.now() - before.at,
      loadavg: before.loadavg,
    };
    stillRunning(runtime);
    if (crowd.closed > 0) console.error(`${chat.label}: ${crowd.closed} sockets closed during the run`);
    return measured;
  } finally {
    crowd.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Ours.

let addresses = 0;
const nextIp = () => {
  addresses++;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
};

async function logIn(base: string, origin: string, email: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin,
        "x-atas-csrf": "1",
        "cf-connecting-ip": nextIp(),
      },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (response.status === 200) return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    // The login limiter fails closed (503) when its store is slow to answer, as on a loaded machine.
    if (response.status !== 503 || attempt === 5)
      throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
    await sleep(1000);
  }
}

const accountEmail = (i: number) => `room${i}@bench.atas.dev`;

/** The benchmark's students (topic rooms, seeded by the migrations, take anyone signed in). */
function accountsSql(passwordHash: string): string {
  const now = Date.now();
  const columns = [
    "id",
    "email",
    "password_hash",
    "display_name",
    "role",
    "email_verified_at",
    "created_at",
    "updated_at",
  ];
  const rows = Array.from({ length: ACCOUNTS }, (_, i) => [
    benchId(9, i),
    accountEmail(i),
    passwordHash,
    `Bench ${i}`,
    "student",
    now,
    now,
    now,
  ]);
  return [...inserts("users", columns, rows)].join("\n");
}

/** A runtime up and ready for load, and the chat it serves in a room of each size. */
interface Contender {
  runtime: Runtime;
  chatIn(config: Config): Chat;
}

/** The local D1 with the benchmark's accounts, seeded once and copied for each of our runtimes. */
async function seededState(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "atas-bench-rooms-seed-"));
  stops.add(async () => rmSync(dir, { recursive: true, force: true }));
  const state = join(dir, "state");
  await seedUnlessReused(
    state,
    async () => accountsSql(await hashPassword(PASSWORD)),
    `${ACCOUNTS} accounts`,
  );
  return state;
}

/** Ours, as `label`, on wrangler dev `port` with these extra vars (the old fixed window for the baseline). */
async function startOurs(
  label: string,
  port: number,
  seeded: string,
  vars: Record<string, string> = {},
): Promise<Contender> {
  const dir = mkdtempSync(join(tmpdir(), "atas-bench-rooms-"));
  let stopping = false;
  let stopPlatform = async () => {};
  const stop = async () => {
    stopping = true;
    await stopPlatform();
    rmSync(dir, { recursive: true, force: true });
  };
  stops.add(stop);
  const { startPlatform } = await snapshot(dir);
  const state = join(dir, ".wrangler", "state");
  cpSync(seeded, state, { recursive: true });
  const platform = await startPlatform({
    port,
    persistTo: state,
    seed: false,
    vars,
    // Silent but for wrangler's last words when it dies on its own.
    log: (line) => {
      if (!stopping && line.startsWith("wrangler dev exited")) console.error(line);
    },
  });
  stopPlatform = platform.stop;
  const runtime = await innerRuntime(port, async (base) => {
    const response = await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(2000) });
    return response.ok && "openapi" in ((await response.json()) as object);
  });
  console.log(
    `${label}: wrangler dev on ${port}; load straight to workerd pid ${runtime.pid}, port ${runtime.port}`,
  );
  const inner = `http://127.0.0.1:${runtime.port}`;
  const emails = Array.from({ length: ACCOUNTS }, (_, i) => accountEmail(i));
  const cookies: string[] = [];
  for (let i = 0; i < emails.length; i += 10)
    cookies.push(
      ...(await Promise.all(emails.slice(i, i + 10).map((email) => logIn(inner, platform.url, email)))),
    );
  const chatIn = (config: Config): Chat => ({
    label,
    wsUrl: `ws://127.0.0.1:${runtime.port}/api/rooms/${config.ourRoom}/ws`,
    // Several tabs to one account, up to SOCKETS_PER_PERSON (5 each for 500 sockets over 100 accounts).
    // The worker checks the Origin against APP_ORIGIN, which startPlatform sets to the proxy's URL.
    headers: (socket) => ({ cookie: cookies[socket % cookies.length] ?? "", origin: platform.url }),
    joined: (frame) => frame.type === "history",
    bodiesOf: (frame) =>
      frame.type === "message"
        ? [String(frame.body)]
        : frame.type === "messages" && Array.isArray(frame.items)
          ? frame.items.map((item: Frame) => String(item.body))
          : [],
    post: (body) => JSON.stringify({ type: "message", id: crypto.randomUUID(), body }),
    kindOf: (frame) =>
      frame.type === "error" ? `error:${String(frame.code)}` : String(frame.type ?? "unknown"),
  });
  return { runtime, chatIn };
}

// ---------------------------------------------------------------------------------------------
// Cloudflare's demo.

/** One file of the demo, from a checkout or a (bare) git directory. */
function demoFile(source: string, path: string): string {
  if (existsSync(join(source, path))) return readFileSync(join(source, path), "utf8");
  const shown = spawnSync("git", ["-C", source, "show", `HEAD:${path}`], { encoding: "utf8" });
  if (shown.status !== 0) throw new Error(`cannot read ${path} from ${source}: ${shown.stderr}`);
  return shown.stdout;
}

/** The demo's source: CHAT_DEMO, the mirror, or a shallow clone into the scratch directory. */
function demoSource(scratch: string): string {
  if (process.env.CHAT_DEMO) return process.env.CHAT_DEMO;
  if (existsSync(DEMO_MIRROR)) return DEMO_MIRROR;
  const clone = join(scratch, "clone");
  const cloned = spawnSync("git", ["clone", "--depth", "1", DEMO_REPO, clone], { stdio: "inherit" });
  if (cloned.status !== 0) throw new Error(`cannot clone ${DEMO_REPO}; set CHAT_DEMO to a checkout`);
  return clone;
}

/** The start of RateLimiterClient.checkLimit() in the demo, and the same made to always allow. */
const LIMITER_CHECK = "  checkLimit() {\n";
const LIMITER_ALLOWS = `${LIMITER_CHECK}    return true; // bench/rooms.ts: the per-IP limiter always allows\n`;

async function startDemo(): Promise<Contender> {
  const dir = mkdtempSync(join(tmpdir(), "atas-bench-chat-demo-"));
  let child: ChildProcess | null = null;
  const stop = async () => {
    if (child && child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  stops.add(stop);
  const source = demoSource(dir);
  const chatModule = demoFile(source, "src/chat.mjs");
  if (chatModule.split(LIMITER_CHECK).length !== 2)
    throw new Error("the demo's RateLimiterClient.checkLimit() is not where the benchmark expects it");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "wrangler.toml"), demoFile(source, "wrangler.toml"));
  writeFileSync(join(dir, "src", "chat.mjs"), chatModule.replace(LIMITER_CHECK, LIMITER_ALLOWS));
  writeFileSync(join(dir, "src", "chat.html"), demoFile(source, "src/chat.html"));

  const args = ["dev", "--ip", "127.0.0.1", "--port", String(DEMO_PORT), "--persist-to", join(dir, "state")];
  const wrangler = spawn(
    join(ROOT, "node_modules", ".bin", "wrangler"),
    [...args, "--show-interactive-dev-session=false"],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...QUIET_WRANGLER_ENV },
      detached: true,
    },
  );
  child = wrangler;
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  wrangler.stdout?.on("data", keep);
  wrangler.stderr?.on("data", keep);
  const outer = `http://127.0.0.1:${DEMO_PORT}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (wrangler.exitCode !== null) throw new Error(`the demo's wrangler dev exited:\n${tail}`);
    if (Date.now() > deadline) throw new Error(`the demo did not answer at ${outer}:\n${tail}`);
    const up = await fetch(outer).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await sleep(250);
  }
  // Only the demo answers GET /api/room with its own 405.
  const runtime = await innerRuntime(DEMO_PORT, async (base) => {
    const response = await fetch(`${base}/api/room`, { signal: AbortSignal.timeout(2000) });
    return response.status === 405 && (await response.text()) === "Method not allowed";
  });
  console.log(
    `demo: wrangler dev on ${DEMO_PORT}; load straight to workerd pid ${runtime.pid}, port ${runtime.port}`,
  );
  const chatIn = (config: Config): Chat => ({
    label: "demo",
    wsUrl: `ws://127.0.0.1:${runtime.port}/api/room/${config.demoRoom}/websocket`,
    headers: () => ({ "cf-connecting-ip": "10.0.0.1" }),
    hello: (socket) => JSON.stringify({ name: `u${socket}` }),
    joined: (frame) => frame.ready === true,
    bodiesOf: (frame) =>
      typeof frame.name === "string" && "message" in frame ? [String(frame.message)] : [],
    post: (body) => JSON.stringify({ message: body }),
    kindOf: (frame) => ("message" in frame ? "message" : (Object.keys(frame)[0] ?? "unknown")),
  });
  return { runtime, chatIn };
}

// ---------------------------------------------------------------------------------------------
// The report.

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const grouped = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");
const CORES = availableParallelism();

/** Ours carries chat messages in `message` and `messages` frames; the demo's are all `message`. */
const CARRIERS = ["message", "messages"];

const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

function kinds(phase: Phase, except: string[] = []): string {
  const parts = [...phase.kinds]
    .filter(([kind]) => !except.includes(kind))
    .map(([kind, n]) => `${kind} ${grouped(n)}`);
  return parts.length ? parts.join(", ") : "none";
}

const perCpuS = (m: Measured) => m.load.delivered / (m.loadCpuMs / 1000);
/**
 * Messages the room refused to store: ours holds each sender to its per-person bucket (5 a second,
 * bursts of 10), and a load generator starved of CPU on a busy machine sends in bursts. A refused
 * message is owed to nobody; the demo's limiter is made to allow everything.
 */
const refused = (m: Measured) => m.load.kinds.get("error:rate-limited") ?? 0;
const expected = (m: Measured) => (m.load.sent - refused(m)) * m.connect.length;

/** Every figure for one room size, a column per contender; the last column is the demo. */
function report(config: Config, all: Measured[]) {
  const { sockets, seconds } = config;
  console.log(
    `\n${sockets} sockets in one room, ${SENDERS} senders at ${RATE} msg/s in all for ${seconds} s ` +
      `(${grouped(RATE * sockets)} deliveries/s expected), straight to workerd`,
  );
  const row = (name: string, cells: string[], note = "") =>
    console.log(`${name.padEnd(44)}${cells.map((c) => c.padStart(26)).join("")}  ${note}`.trimEnd());
  const each = (name: string, figure: (m: Measured) => string, note = "") => row(name, all.map(figure), note);
  const cores = (ms: number, m: Measured) => fixed(ms / m.wallMs, 2);
  const sendRate = (m: Measured) => m.load.sent / ((m.load.lastSentAt - m.load.firstSentAt) / 1000);
  const elsewhere = (m: Measured) =>
    Math.max(0, m.machineBusyMs - m.loadCpuMs - m.generatorCpuMs - m.aroundCpuMs);
  row(
    "",
    all.map((m) => m.chat.label),
  );
  each(
    "connect p50 / p95, ms",
    (m) => `${fixed(percentile(m.connect, 50))} / ${fixed(percentile(m.connect, 95))}`,
  );
  each("connect p50 of the last 100 joins, ms", (m) => fixed(percentile(m.connect.slice(-100), 50)));
  each(
    "frames sent while the room filled",
    (m) => grouped(m.joinFrames.frames),
    `N² = ${grouped(sockets ** 2)}`,
  );
  each("workerd CPU while the room filled, ms/join", (m) => fixed(m.joinCpuMs / sockets, 2));
  each("messages sent (achieved rate)", (m) => `${m.load.sent} (${fixed(sendRate(m))}/s)`);
  each("messages refused by the sender's limit", (m) => String(refused(m)));
  each(
    "deliveries made / owed (accepted x sockets)",
    (m) => `${grouped(m.load.delivered)} / ${grouped(expected(m))}`,
  );
  each("delivered share", (m) => `${fixed((100 * m.load.delivered) / expected(m), 2)} %`);
  each("frames that carried them, per socket", (m) => {
    const carried = CARRIERS.reduce((n, kind) => n + (m.load.kinds.get(kind) ?? 0), 0);
    return `${grouped(carried / m.connect.length)} (${fixed(m.load.delivered / Math.max(1, carried), 2)} each)`;
  });
  each("out of order (per sender, per socket)", (m) => String(m.load.outOfOrder));
  each("duplicates", (m) => String(m.load.duplicates));
  each("latency p50 / p95 / p99, ms", (m) => [50, 95, 99].map((p) => fixed(m.load.latency(p))).join(" / "));
  each("other frames during the load", (m) => kinds(m.load, CARRIERS));
  each("one-message frame, characters", (m) => String(m.load.messageChars));
  each("WebSocket extension negotiated", (m) => m.extensions.split(";")[0] ?? "");
  each(
    "workerd CPU during the load, s",
    (m) => `${fixed(m.loadCpuMs / 1000, 2)} over ${fixed(m.wallMs / 1000)} s`,
  );
  each("deliveries per workerd CPU s", (m) => grouped(perCpuS(m)));
  each("workerd CPU per delivery, µs", (m) => fixed((m.loadCpuMs * 1000) / m.load.delivered, 2));
  each("workerd, cores busy while sending", (m) => fixed(m.sendCpuMs / m.sendMs, 2));
  each("workerd, cores busy until drained", (m) => cores(m.loadCpuMs, m));
  each("load generator (this process), cores busy", (m) => cores(m.generatorCpuMs, m));
  each("wrangler's proxy and node, cores busy", (m) => cores(m.aroundCpuMs, m));
  each("everything else on the machine, cores busy", (m) => cores(elsewhere(m), m));
  each("machine busy", (m) => `${fixed((100 * m.machineBusyMs) / m.wallMs / CORES)} % of ${CORES}`);
  each("load average at the start of the load", (m) => m.loadavg);
  for (const m of all) {
    // One room is one Durable Object, which runs on one thread: near a whole core, it queues.
    const saturated = m.sendCpuMs / m.sendMs > 0.85 || m.machineBusyMs / m.wallMs / CORES > 0.9;
    if (saturated)
      console.log(
        `${m.chat.label}: saturated (workerd ${fixed(m.sendCpuMs / m.sendMs, 2)} cores while sending, load generator ` +
          `${cores(m.generatorCpuMs, m)}, machine ${fixed((100 * m.machineBusyMs) / m.wallMs / CORES)} %): its latencies are mostly queueing`,
      );
  }
}

/** One line per room size and contender, with the targets against the demo of the same size. */
function summary(results: { config: Config; all: Measured[] }[]) {
  console.log(
    `\nSummary (${SENDERS} senders, ${RATE} msg/s; p95 and deliveries per workerd CPU s against the demo in the same run):`,
  );
  const header = [
    "sockets",
    "who",
    "p50 / p95 / p99 ms",
    "deliv./CPU s",
    "x demo",
    "delivered",
    "order",
    "join ms CPU",
    "frames/join",
    "targets",
  ];
  const widths = [8, 24, 26, 13, 8, 20, 6, 12, 12, 0];
  const line = (cells: string[]) =>
    console.log(
      cells
        .map((c, i) => (widths[i] ? c.padEnd(widths[i] ?? 0) : c))
        .join(" ")
        .trimEnd(),
    );
  line(header);
  for (const { config, all } of results) {
    const demo = all.at(-1);
    if (!demo) continue;
    for (const m of all) {
      const gain = perCpuS(m) / perCpuS(demo);
      const p95 = m.load.latency(95);
      const ours = m !== demo;
      const met =
        p95 <= demo.load.latency(95) &&
        gain >= 1.5 &&
        m.load.delivered === expected(m) &&
        m.load.outOfOrder === 0;
      line([
        String(config.sockets),
        m.chat.label,
        [50, 95, 99].map((p) => fixed(m.load.latency(p))).join(" / "),
        grouped(perCpuS(m)),
        ours ? `${fixed(gain, 2)}x` : "",
        `${fixed((100 * m.load.delivered) / expected(m), 2)} %${refused(m) ? ` (${refused(m)} refused)` : ""}`,
        String(m.load.outOfOrder),
        fixed(m.joinCpuMs / config.sockets, 2),
        fixed(m.joinFrames.frames / config.sockets, 1),
        ours ? (met ? "met" : "NOT met") : "",
      ]);
    }
  }
  console.log(
    "targets: p95 <= the demo's, >= 1.5x its deliveries per workerd CPU s, 100 % delivered, 0 out of order. " +
      "Join cost (workerd CPU and frames per join while the room filled) flat across sizes: joins are O(N), not O(N²).",
  );
}

// ---------------------------------------------------------------------------------------------

/** How to stop each runtime still up, for the end of the run or an interrupt. */
const stops = new Set<() => Promise<void>>();
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(
    signal,
    () => void Promise.allSettled([...stops].map((stop) => stop())).finally(() => process.exit(130)),
  );

const startedAt = performance.now();
console.log(
  `Live rooms: ${SENDERS} senders at ${RATE} msg/s in all, rooms of ${CONFIGS.map((c) => `${c.sockets} sockets for ${c.seconds} s`).join(", ")}; ` +
    `joins ${CONNECT_CONCURRENCY} at a time${QUICK ? " (QUICK)" : ""}; wrangler's local trace collector ` +
    `${process.env.X_LOCAL_OBSERVABILITY === "false" ? "off" : "on"}; load average ${loadavg()}`,
);
console.log(
  `ours: ${ACCOUNTS} accounts, at most ${Math.ceil(Math.max(...SIZES) / ACCOUNTS)} sockets per person ` +
    `(cap ${SOCKETS_PER_PERSON}); ${SENDERS} senders, each its own account, at ${fixed(RATE / SENDERS, 2)} msg/s each ` +
    `(per-person limit ${RATE_LIMIT.perSecond}/s, burst ${RATE_LIMIT.burst})`,
);
// The runtimes stay up and each size runs ours, ours with the old window, then the demo, back to
// back: the machine is shared, and what else runs on it changes by the minute.
try {
  const seeded = await seededState();
  const contenders = [await startOurs("ours (adaptive window)", OURS_PORT, seeded)];
  if (WITH_FIXED)
    contenders.push(
      await startOurs("ours, fixed 40 ms (old)", FIXED_PORT, seeded, { ROOM_BROADCAST: "fixed" }),
    );
  contenders.push(await startDemo());
  const runtimes = contenders.map((c) => c.runtime);
  const results: { config: Config; all: Measured[] }[] = [];
  for (const config of CONFIGS) {
    const all: Measured[] = [];
    for (const who of contenders) {
      await idle(runtimes);
      all.push(await measure(who.chatIn(config), who.runtime, config));
    }
    results.push({ config, all });
    report(config, all);
  }
  summary(results);
  console.log(
    `\nwall time ${fixed((performance.now() - startedAt) / 1000, 0)} s; load average now ${loadavg()}`,
  );
} finally {
  await Promise.allSettled([...stops].map((stop) => stop()));
}
