/**
 * AI proposal drafts: how long `POST /api/invitations/{id}/draft` takes with the job queued (today)
 * against the same drafting done inside the request (the old blocking behaviour,
 * DRAFT_DELIVERY=inline), both with an OpenAI stand-in that takes 3 seconds to start answering, one
 * request at a time and CONCURRENCY at a time; then how fast the streamed text reaches the
 * requester's open inbox WebSocket. Runs the real worker under `wrangler dev` (workerd, local D1,
 * Queues and Durable Objects) with seeded accounts, within the per-IP and per-account draft limits;
 * requests go straight to the workerd that runs the worker, not through wrangler dev's proxy.
 * Then the limiter's store round trips and commands per draft request, counted by the Upstash twin:
 * allowed, the refusal that finds an address over its limit, and the refusals after it; for this
 * app and the baseline commit's (bench/baseline.ts), whose IP and account limits were two calls.
 * Prints p50/p99; asserts no timing. Targets: queued p99 <= 50 ms, inline/queued >= 50x; <= 1 store
 * round trip per allowed request, 0 for a caller known to be blocked.
 * `QUICK=1` runs a tenth of the requests (about 2 minutes; the full run about 5).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Platform, type PlatformOptions, ROOT, startThrowawayRedis } from "../scripts/platform.ts";
import type { UpstashTwin } from "../scripts/upstash-twin.ts";
import { innerRuntime } from "../scripts/workerd-process.ts";
import { startFakeOpenAI } from "../test/support/fake-openai.ts";
import { DEMO_PASSWORD, demoStudents, EXPERTS } from "../worker/src/dev/seed-data.ts";
import { BASELINE, baselineApp, loadAverage } from "./baseline.ts";
import { inParallel, latencyRow, percentile, queueGainLines, snapshot } from "./support.ts";

const QUICK = process.env.QUICK === "1";
const QUEUED_RUNS = Number(process.env.QUEUED_RUNS ?? (QUICK ? 30 : 300));
const INLINE_RUNS = Number(process.env.INLINE_RUNS ?? (QUICK ? 15 : 30));
/** One request at a time too, as bench/register.ts measures: the latency without any wait for the worker. */
const QUEUED_ONE_BY_ONE = Number(process.env.QUEUED_ONE_BY_ONE ?? (QUICK ? 10 : 60));
const INLINE_ONE_BY_ONE = Number(process.env.INLINE_ONE_BY_ONE ?? (QUICK ? 3 : 8));
const STREAM_RUNS = Number(process.env.STREAM_RUNS ?? (QUICK ? 5 : 20));
/** wrangler dev's ports: the queued app, the inline one, the baseline commit's (for its store calls). */
const PORTS = { queued: 8842, inline: 8843, baseline: 8844 };
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 15);
const PROVIDER_DELAY_MS = 3000;
const KEY = "sk-bench-key";
/** POLICIES.draftAccount (worker/src/shared/rate-limit.ts): drafts an account may ask for a day. */
const DAILY_QUOTA = 30;
/** The ai queue's max_batch_size (wrangler.toml): a full batch reaches the consumer without waiting. */
const AI_BATCH = 5;

interface Requester {
  email: string;
  cookie: string;
  invitationId: string;
  drafts: number;
}

interface DraftFrame {
  type: "draft";
  draftId: string;
  status: string;
  chunk: string;
  sentAt: number;
}

/**
 * Every request that spends a per-IP token (log-in 20/min, drafts 5/min) comes from its own address;
 * wrangler dev passes a client's cf-connecting-ip through (a 6th draft from one address is refused,
 * one from a new address is not).
 */
let addresses = 0;
function nextIp(): string {
  addresses++;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

/**
 * The platform's public origin (wrangler dev's URL): requests go to workerd's own port, but the
 * worker still checks that a page's Origin is the app's, as the proxy would pass it.
 */
let publicOrigin = "";

/** The headers a same-origin page sends. */
function pageHeaders(_base: string, cookie?: string): Record<string, string> {
  return {
    "content-type": "application/json",
    origin: publicOrigin,
    "x-atas-csrf": "1",
    "cf-connecting-ip": nextIp(),
    ...(cookie ? { cookie } : {}),
  };
}

async function logIn(base: string, email: string): Promise<{ cookie: string; id: string }> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: pageHeaders(base),
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  const { account } = (await response.json()) as { account: { id: string } };
  return { cookie: (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "", id: account.id };
}

/** The address worker/src/dev/seed.ts gives a seeded expert. */
const expertEmail = (name: string) =>
  `${name
    .toLowerCase()
    .replace(/[^a-z]+/g, ".")
    .replace(/^\.|\.$/g, "")}@experts.atas.dev`;

/** 10:00 in Kuala Lumpur (02:00 UTC), `days` days from today: inside an all-day window whatever the hour now. */
const morningIn = (days: number) =>
  new Date((Math.floor(Date.now() / 86_400_000) + days) * 86_400_000 + 2 * 3_600_000).toISOString();

/**
 * Seeded students, signed in, each with a draft invitation to a seeded expert who is made available
 * all week. Each platform has its own D1, so each gets its own set-up.
 */
async function requesters(base: string, emails: string[]): Promise<Requester[]> {
  const expertName = EXPERTS[0]?.name ?? "";
  const expert = await logIn(base, expertEmail(expertName));
  const availability = Array.from({ length: 7 }, (_, weekday) => ({
    weekday,
    start: "00:00",
    end: "23:59",
    timeZone: "Asia/Kuala_Lumpur",
  }));
  const patch = await fetch(`${base}/api/me/profile`, {
    method: "PATCH",
    headers: pageHeaders(base, expert.cookie),
    body: JSON.stringify({ expert: { availability, acceptingInvitations: true } }),
  });
  if (patch.status !== 200) throw new Error(`expert profile: ${patch.status} ${await patch.text()}`);
  // Five at a time: each log-in hashes a password (PBKDF2, CPU-bound in the one workerd thread), and
  // all at once would hold the limiter's store replies past their deadline on a loaded machine.
  const people: Requester[] = [];
  await inParallel(emails.length, 5, async (i) => {
    people[i] = await (async (email: string) => {
      const { cookie } = await logIn(base, email);
      const response = await fetch(`${base}/api/invitations`, {
        method: "POST",
        headers: pageHeaders(base, cookie),
        body: JSON.stringify({
          expertId: expert.id,
          kind: "talk",
          title: "Payments at scale",
          agenda: "How a super-app handles payment peaks; Q&A.",
          slots: [morningIn(5), morningIn(6)],
          durationMinutes: 60,
          format: "online",
          audienceSize: 80,
          honorarium: null,
          language: "en",
          responseDeadline: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        }),
      });
      if (response.status !== 201) throw new Error(`invitation: ${response.status} ${await response.text()}`);
      const { id } = (await response.json()) as { id: string };
      return { email, cookie, invitationId: id, drafts: 0 };
    })(emails[i] ?? "");
  });
  return people;
}

/** One draft request, timed to the response's headers (as a page awaits them). */
async function requestDraft(base: string, requester: Requester): Promise<{ ms: number; draftId: string }> {
  if (++requester.drafts > DAILY_QUOTA) throw new Error(`${requester.email} would pass the daily quota`);
  const started = performance.now();
  const response = await fetch(`${base}/api/invitations/${requester.invitationId}/draft`, {
    method: "POST",
    headers: pageHeaders(base, requester.cookie),
    body: JSON.stringify({ tone: "warm", length: "medium" }),
  });
  const ms = performance.now() - started;
  if (response.status !== 202) throw new Error(`draft answered ${response.status}: ${await response.text()}`);
  const { draftId } = (await response.json()) as { draftId: string };
  return { ms, draftId };
}

/** `runs` draft requests, `concurrency` at a time, spread over the requesters in turn; and how long they all took. */
async function load(
  base: string,
  people: Requester[],
  runs: number,
  concurrency: number,
): Promise<{ ms: number[]; last: string; wallMs: number }> {
  const ms: number[] = [];
  let last = "";
  let next = 0;
  const client = async () => {
    while (next < runs) {
      const requester = people[next++ % people.length] as Requester;
      const draft = await requestDraft(base, requester);
      ms.push(draft.ms);
      last = draft.draftId;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, runs) }, client));
  return { ms, last, wallMs: performance.now() - started };
}

/** The draft as saved in D1. */
async function savedDraft(
  base: string,
  requester: Requester,
  draftId: string,
): Promise<{ status: string; error: string | null }> {
  const response = await fetch(`${base}/api/drafts/${draftId}`, { headers: { cookie: requester.cookie } });
  return (await response.json()) as { status: string; error: string | null };
}

/** When a draft's first text reached an open inbox (performance.now()) and how long after it was pushed. */
interface FirstText {
  at: number;
  lagMs: number;
}

/** When a draft's last frame reached the inbox, and how the draft ended. */
interface Done {
  at: number;
  status: string;
}

/** Node's WebSocket (undici) takes request headers; the DOM typing does not know it. */
const NodeWebSocket = WebSocket as unknown as new (
  url: string,
  init: { headers: Record<string, string> },
) => WebSocket;

/** A promise and the function that settles it; settling again changes nothing, so the first frame of a kind counts. */
interface Later<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function later<T>(): Later<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** The requester's inbox WebSocket, open and greeted, watching draft frames. */
async function openInbox(base: string, cookie: string) {
  const socket = new NodeWebSocket(`${base.replace(/^http/, "ws")}/api/inbox`, {
    headers: { cookie, origin: publicOrigin },
  });
  const drafts = new Map<
    string,
    { started: Later<number>; firstText: Later<FirstText>; done: Later<Done> }
  >();
  const watched = (draftId: string) => {
    let entry = drafts.get(draftId);
    if (!entry) {
      entry = { started: later<number>(), firstText: later<FirstText>(), done: later<Done>() };
      drafts.set(draftId, entry);
    }
    return entry;
  };
  socket.addEventListener("message", (event) => {
    const at = performance.now();
    // Both clocks are this machine's: the consumer stamped sentAt with its Date.now() as it pushed.
    const receivedAt = Date.now();
    const frame = JSON.parse(String(event.data)) as { type: string } | DraftFrame;
    if (frame.type !== "draft") return;
    const step = frame as DraftFrame;
    const entry = watched(step.draftId);
    entry.started.resolve(at);
    if (step.chunk) entry.firstText.resolve({ at, lagMs: receivedAt - step.sentAt });
    if (step.status === "ready" || step.status === "failed") entry.done.resolve({ at, status: step.status });
  });
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("message", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error("the inbox WebSocket did not open")), {
      once: true,
    });
  });
  return {
    watch: (draftId: string) => {
      const entry = watched(draftId);
      return { started: entry.started.promise, firstText: entry.firstText.promise, done: entry.done.promise };
    },
    close: () => socket.close(1000),
  };
}

/** The promise's value, or the reason `explain` gives if it takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, explain: () => Promise<string>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      explain().then(
        (reason) => reject(new Error(reason)),
        (error: unknown) => reject(error),
      );
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * AI_BATCH requesters, each with an open inbox, ask for a draft at the same moment (one full ai
 * batch, so the local queue hands it over at once), round after round until STREAM_RUNS drafts.
 */
async function stream(base: string, people: Requester[]) {
  const pages = await Promise.all(
    people.map(async (requester) => ({ requester, inbox: await openInbox(base, requester.cookie) })),
  );
  const lag: number[] = [];
  const toStart: number[] = [];
  const toText: number[] = [];
  const toDone: number[] = [];
  try {
    while (lag.length < STREAM_RUNS) {
      await Promise.all(
        pages.map(async ({ requester, inbox }) => {
          const started = performance.now();
          const { draftId } = await requestDraft(base, requester);
          const arrival = inbox.watch(draftId);
          const late = (what: string) => async () => {
            const saved = await savedDraft(base, requester, draftId);
            return `draft ${draftId}: no ${what} on the page within 30 s; saved as ${saved.status} ${saved.error ?? ""}`;
          };
          const first = await within(arrival.firstText, 30_000, late("text"));
          const done = await within(arrival.done, 30_000, late("end"));
          if (done.status !== "ready") throw new Error(`draft ${draftId} ended ${done.status}`);
          lag.push(first.lagMs);
          toStart.push((await arrival.started) - started);
          toText.push(first.at - started);
          toDone.push(done.at - started);
        }),
      );
    }
  } finally {
    for (const { inbox } of pages) inbox.close();
  }
  return { lag, toStart, toText, toDone };
}

/** How to stop each platform still up, for the end of the run or an interrupt. */
const running = new Set<() => Promise<void>>();

/** This app, from a frozen copy (others may edit worker/ while it runs: wrangler dev would reload). */
const current = await snapshot(await mkdtemp(join(tmpdir(), "atas-bench-drafts-")));

async function onPlatform<T>(
  options: PlatformOptions & { port: number },
  work: (base: string, platform: Platform) => Promise<T>,
  start: (options: PlatformOptions) => Promise<Platform> = current.startPlatform,
): Promise<T> {
  let stopping = false;
  // Silent but for wrangler's last words when it dies on its own.
  const log = (line: string) => {
    if (!stopping && line.startsWith("wrangler dev exited")) console.error(line);
  };
  const platform = await start({ seed: true, fresh: true, log, ...options });
  const stop = () => {
    stopping = true;
    running.delete(stop);
    return platform.stop();
  };
  running.add(stop);
  try {
    const runtime = await innerRuntime(
      options.port,
      async (base) => (await fetch(`${base}/openapi.json`)).ok,
    );
    publicOrigin = platform.url;
    return await work(`http://127.0.0.1:${runtime.port}`, platform);
  } finally {
    await stop();
  }
}

/** The limiter's traffic to the store (its keys start `rl:`), as the twin counts it: HTTP requests and commands. */
function limiterCalls(twin: UpstashTwin): Calls {
  let commands = 0;
  for (const [kind, count] of twin.commandsByKind) if (/ rl$/.test(kind)) commands += count;
  // The baseline commit's twin has no per-prefix request count; its client sent each command alone.
  const byPrefix = (twin as Partial<UpstashTwin>).requestsByPrefix;
  return { roundTrips: byPrefix ? (byPrefix.get("rl") ?? 0) : commands, commands };
}

interface Calls {
  roundTrips: number;
  commands: number;
}
const minus = (a: Calls, b: Calls): Calls => ({
  roundTrips: a.roundTrips - b.roundTrips,
  commands: a.commands - b.commands,
});
const per = (total: Calls, n: number): Calls => ({
  roundTrips: total.roundTrips / n,
  commands: total.commands / n,
});

/**
 * Store round trips and commands per draft request from one address: five allowed, the sixth
 * (refused: the store says so), then three more (refused from the isolate's memory). Requests one
 * at a time; the queued jobs touch no limiter key, so the count is the requests' own.
 */
async function storeCallsPerDraft(
  base: string,
  twin: UpstashTwin,
  people: Requester[],
): Promise<{ allowed: Calls; firstRefusal: Calls; knownBlocked: Calls }> {
  const ip = nextIp();
  const [requester] = people;
  if (!requester) throw new Error("no requester");
  const spend = async (expect: number) => {
    const before = limiterCalls(twin);
    const response = await fetch(`${base}/api/invitations/${requester.invitationId}/draft`, {
      method: "POST",
      headers: { ...pageHeaders(base, requester.cookie), "cf-connecting-ip": ip },
      body: JSON.stringify({ tone: "warm", length: "medium" }),
    });
    await response.arrayBuffer();
    if (response.status !== expect) throw new Error(`draft answered ${response.status}, not ${expect}`);
    if (expect === 202) requester.drafts++;
    return minus(limiterCalls(twin), before);
  };
  const sum = (a: Calls, b: Calls): Calls => ({
    roundTrips: a.roundTrips + b.roundTrips,
    commands: a.commands + b.commands,
  });
  // The first call of a fresh store may load the scripts (EVALSHA refused, then EVAL): not counted.
  await spend(202);
  let allowed: Calls = { roundTrips: 0, commands: 0 };
  for (let i = 0; i < 4; i++) allowed = sum(allowed, await spend(202));
  const firstRefusal = await spend(429);
  let knownBlocked: Calls = { roundTrips: 0, commands: 0 };
  for (let i = 0; i < 3; i++) knownBlocked = sum(knownBlocked, await spend(429));
  return { allowed: per(allowed, 4), firstRefusal, knownBlocked: per(knownBlocked, 3) };
}

const provider = await startFakeOpenAI(KEY, { firstByteDelayMs: PROVIDER_DELAY_MS });
// Like production (Upstash is Redis), the limiters run on a real Redis when one can be started.
const redis = await startThrowawayRedis();
if (redis) process.env.REDIS_URL = redis.url;
const cleanUp = async () => {
  await Promise.allSettled([...running].map((stop) => stop()));
  await provider.close();
  await redis?.stop();
};
// wrangler dev runs in its own process group: an interrupted run must stop it itself.
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

const vars = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: provider.url };
const students = demoStudents().map((s) => s.email);
// Both platforms' limiters share the Redis, so each gets its own students (and its own quotas).
const queueStudents = students.slice(0, 25);
const inlineStudents = students.slice(25, 35);
const baselineStudents = students.slice(35, 36);
const startedAt = performance.now();
console.log(`load average at start: ${loadAverage()}`);
try {
  const queued = await onPlatform(
    {
      port: PORTS.queued,
      persistTo: join(ROOT, ".wrangler", "bench-drafts-queue"),
      vars: { ...vars, DRAFT_DELIVERY: "queue" },
    },
    async (base, platform) => {
      const people = await requesters(base, queueStudents);
      // First, while the ai queue is empty: a backlog would delay the text, not the requests.
      const streamed = await stream(base, people.slice(0, AI_BATCH));
      const calls = await storeCallsPerDraft(base, platform.upstash, people.slice(-1));
      await load(base, people.slice(0, -1), CONCURRENCY, CONCURRENCY);
      const oneByOne = await load(base, people.slice(0, -1), QUEUED_ONE_BY_ONE, 1);
      const concurrent = await load(base, people.slice(0, -1), QUEUED_RUNS, CONCURRENCY);
      return { oneByOne: oneByOne.ms, concurrent, streamed, calls };
    },
  );
  const baseline = await baselineApp();
  const before = await onPlatform(
    {
      port: PORTS.baseline,
      persistTo: join(ROOT, ".wrangler", "bench-drafts-baseline"),
      vars: { ...vars, DRAFT_DELIVERY: "queue" },
    },
    async (base, platform) =>
      storeCallsPerDraft(base, platform.upstash, await requesters(base, baselineStudents)),
    baseline.platform.startPlatform,
  ).finally(() => rm(baseline.dir, { recursive: true, force: true }));
  const inline = await onPlatform(
    {
      port: PORTS.inline,
      persistTo: join(ROOT, ".wrangler", "bench-drafts-inline"),
      vars: { ...vars, DRAFT_DELIVERY: "inline" },
    },
    async (base) => {
      const people = await requesters(base, inlineStudents);
      const oneByOne = await load(base, people, INLINE_ONE_BY_ONE, 1);
      // The inline answer must come only once the draft is written, or the comparison means nothing.
      const lastOf = people[(INLINE_ONE_BY_ONE - 1) % people.length] as Requester;
      const { status } = await savedDraft(base, lastOf, oneByOne.last);
      if (status !== "ready") throw new Error(`an inline draft answered while still ${status}`);
      const concurrent = await load(base, people, INLINE_RUNS, CONCURRENCY);
      return { oneByOne: oneByOne.ms, concurrent: concurrent.ms };
    },
  );

  const together = `${CONCURRENCY} concurrent`;
  console.log(
    `\nPOST /api/invitations/{id}/draft (straight to workerd, local D1/Queues/DO, OpenAI stand-in answering ` +
      `after ${PROVIDER_DELAY_MS} ms, Upstash twin on ${redis ? "Redis" : "memory"})`,
  );
  console.log(latencyRow("draft job queued, 1 at a time", queued.oneByOne));
  console.log(latencyRow(`draft job queued, ${together}`, queued.concurrent.ms));
  console.log(latencyRow("draft inline, 1 at a time", inline.oneByOne));
  console.log(latencyRow(`draft inline, ${together}`, inline.concurrent));
  for (const line of queueGainLines(queued.oneByOne, inline.oneByOne, "1 at a time")) console.log(line);
  for (const line of queueGainLines(queued.concurrent.ms, inline.concurrent, together)) console.log(line);
  // N clients that each wait for an answer before asking again wait N / throughput each (Little's law).
  const perSecond = queued.concurrent.ms.length / (queued.concurrent.wallMs / 1000);
  console.log(
    `queued, ${together}: ${perSecond.toFixed(0)} requests/s through one local workerd, so each waits ` +
      `about ${CONCURRENCY} / ${perSecond.toFixed(0)} per s = ${((CONCURRENCY / perSecond) * 1000).toFixed(0)} ms`,
  );

  const { lag, toStart, toText, toDone } = queued.streamed;
  console.log(
    `\nText on the page: inbox WebSocket open, ai queue, the same ${PROVIDER_DELAY_MS} ms OpenAI stand-in, ` +
      `${AI_BATCH} drafts at a time (one full ai batch)`,
  );
  console.log(latencyRow("first chunk pushed -> on the page", lag));
  console.log(latencyRow("POST -> job started (first frame)", toStart));
  console.log(latencyRow("POST -> first text on the page", toText));
  console.log(latencyRow("POST -> whole draft on the page", toDone));
  console.log(
    `first text after the provider's ${PROVIDER_DELAY_MS} ms: p50 ${(percentile(toText, 50) - PROVIDER_DELAY_MS).toFixed(1)} ms`,
  );

  console.log(
    "\nLimiter store round trips (commands) per draft request (IP 5/min, account 30/day; counted by the Upstash twin)",
  );
  console.log("                                   allowed  6th from one address  7th-9th (known blocked)");
  const cell = (c: Calls, width: number) =>
    `${c.roundTrips.toFixed(1)} (${c.commands.toFixed(1)})`.padStart(width);
  for (const [label, calls] of [
    [`before (${BASELINE})`, before],
    ["after", queued.calls],
  ] as const)
    console.log(
      `${label.padEnd(34)} ${cell(calls.allowed, 9)}  ${cell(calls.firstRefusal, 20)}  ${cell(calls.knownBlocked, 23)}`,
    );
  console.log("target: <= 1 round trip per allowed request, 0 for a caller known to be blocked");
} finally {
  await cleanUp();
  await rm(current.ROOT, { recursive: true, force: true });
  console.log(
    `load average at end: ${loadAverage()}; wall time ${((performance.now() - startedAt) / 1000).toFixed(0)} s`,
  );
}
