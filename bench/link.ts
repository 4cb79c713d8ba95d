/**
 * atas-link at scale: 10,000 users, 100,000 notes and 50 follows per user in local D1, then the
 * following and discovery feeds through the real worker, sent straight to the workerd that runs it
 * (not through `wrangler dev`'s proxy), today's code and the baseline (commit BASE_COMMIT, started
 * beside it from `git archive`, on a copy of the same data) in the same run:
 *  - requests a second and workerd CPU per request at 50 concurrent, the two alternating;
 *  - p50/p95 of each reader's first page (the timeline rebuilt) and of later reads at 50 concurrent;
 *  - one at a time: API p50/p95 against the same statements run straight against the SQLite file
 *    (node:sqlite), the ratio being what the worker adds; D1 round trips, Upstash calls (the twin
 *    counts them) and rows read against returned; and where the time goes (`x-atas-measure:
 *    timing`: the worker's server-timing header: session lookup, D1, store, ranking, JSON, the rest);
 *  - fan-out throughput (today's code only): one note by an author with 1,000 active followers,
 *    timed until every follower's timeline holds it.
 * Readers are signed in by session rows written into the D1 file before the start (the login route
 * is not what is measured). `BENCH_QUICK=1`: 2,000 users and 20,000 notes, fewer requests, no
 * fan-out. `BENCH_REUSE=1` keeps the seeded state between runs.
 */
import { copyFileSync, cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Redis } from "@upstash/redis";
import { ROOT } from "../scripts/platform.ts";
import { cpuMs, stillRunning } from "../scripts/workerd-process.ts";
import { hashPassword } from "../worker/src/shared/crypto.ts";
import { benchId, inserts, prng, type SqlValue } from "./seed-sql.ts";
import {
  BASE_COMMIT,
  type BenchSide,
  baselineSnapshot,
  d1File,
  inParallel,
  loadAverage,
  percentile,
  seedUnlessReused,
  sessionId,
  snapshot,
  startBenchSide,
  stopBenchSides,
} from "./support.ts";

const QUICK = Boolean(process.env.BENCH_QUICK);
const USERS = Number(process.env.USERS ?? (QUICK ? 2_000 : 10_000));
const NOTES = Number(process.env.NOTES ?? (QUICK ? 20_000 : 100_000));
const FOLLOWS = Number(process.env.FOLLOWS ?? 50);
const FANOUT_FOLLOWERS = 1_000;
const FANOUT_AUTHOR = USERS - 1;
const CONCURRENCY = 50;
const READERS = QUICK ? 100 : 200;
/** Warm requests per side and round; two rounds, the sides alternating. */
const REQUESTS = QUICK ? 300 : 1_000;
const ROUNDS = 2;
const MEASURED = QUICK ? 20 : 40;
const PASSWORD = "bench passphrase 2026";
/** Today's code on 8820, the baseline on 8822 (each wrangler dev takes a few ports beside its own). */
const PORT = 8820;
const BASE_PORT = 8822;
const STATE = join(ROOT, ".wrangler", QUICK ? "bench-link-quick" : "bench-link");
const CAMPUSES = ["um", "ukm", "upm", "usm", "utm", "uitm", "taylors", "sunway", "apu", "mmu"];
const TOPICS = Array.from({ length: 40 }, (_, i) => `topic${i}`);
const WORDS =
  "campus study notes internship coffee exam project library hackathon design startup career food".split(" ");
const HOUR = 3_600_000;

const { rand, pick } = prng(11);
const user = (i: number) => benchId(5, i);
const note = (i: number) => benchId(6, i);
const image = (i: number) => benchId(7, i);
const ignoring = (table: string, columns: string[], rows: Iterable<SqlValue[]>) =>
  inserts(table, columns, rows, { perStatement: 200, orIgnore: true });

/** Popular people are followed more and post more: a skew towards low ids. */
const skewed = (power: number) => Math.floor(USERS * rand() ** power);

function bulkSql(passwordHash: string): string {
  const now = Date.now();
  const lines: string[] = [];
  lines.push(
    ...ignoring(
      "users",
      [
        "id",
        "email",
        "password_hash",
        "display_name",
        "role",
        "campus_id",
        "email_verified_at",
        "created_at",
        "updated_at",
      ],
      Array.from({ length: USERS }, (_, i) => [
        user(i),
        `link${i}@bench.atas.dev`,
        passwordHash,
        `Student ${i}`,
        "student",
        CAMPUSES[i % CAMPUSES.length] ?? "um",
        now,
        now,
        now,
      ]),
    ),
  );
  function* followRows() {
    for (let i = 0; i < USERS; i++) {
      for (let k = 0; k < FOLLOWS; k++) {
        const j = k % 2 ? skewed(2) : (i + 1 + Math.floor(rand() * 300)) % USERS;
        if (j !== i) yield [user(i), user(j), now - Math.floor(rand() * 90 * 24) * HOUR];
      }
    }
    // The fan-out author: the last user (the skew almost never picks it), followed by the first thousand.
    for (let i = 1; i <= FANOUT_FOLLOWERS; i++) yield [user(i), user(FANOUT_AUTHOR), now];
  }
  lines.push(...ignoring("follows", ["follower_id", "followee_id", "created_at"], followRows()));
  // Everyone read their feed within the last few days: all are "active" for fan-out.
  lines.push(
    ...ignoring(
      "feed_activity",
      ["user_id", "active_at"],
      Array.from({ length: USERS }, (_, i) => [user(i), now - Math.floor(rand() * 72) * HOUR]),
    ),
  );
  const noteRows: SqlValue[][] = [];
  const topicRows: SqlValue[][] = [];
  const imageRows: SqlValue[][] = [];
  for (let n = 0; n < NOTES; n++) {
    const author = Math.min(FANOUT_AUTHOR - 1, skewed(1.5));
    const createdAt = now - Math.floor(rand() * 30 * 24 * 60) * 60_000;
    const r = rand();
    const visibility = r < 0.85 ? "public" : r < 0.93 ? "campus" : r < 0.98 ? "followers" : "private";
    const topics = [...new Set([pick(TOPICS), ...(rand() < 0.5 ? [pick(TOPICS)] : [])])];
    const words = Array.from({ length: 12 }, () => pick(WORDS)).join(" ");
    noteRows.push([
      note(n),
      user(author),
      CAMPUSES[author % CAMPUSES.length] ?? "um",
      `Note ${n}: ${pick(WORDS)} ${pick(WORDS)}`,
      `${words} ${topics.map((t) => `#${t}`).join(" ")}`,
      visibility,
      createdAt,
    ]);
    for (const topic of topics) topicRows.push([note(n), topic, createdAt]);
    imageRows.push([
      image(n),
      user(author),
      `bench/${n}`,
      "image/jpeg",
      `bench/${n}`,
      "image/jpeg",
      720,
      960,
      1000,
      1000,
      createdAt,
      note(n),
      0,
    ]);
  }
  lines.push(
    ...ignoring(
      "notes",
      ["id", "author_id", "campus_id", "title", "body", "visibility", "created_at"],
      noteRows,
    ),
  );
  lines.push(...ignoring("note_topics", ["note_id", "topic", "created_at"], topicRows));
  lines.push(
    ...ignoring(
      "note_images",
      [
        "id",
        "owner_id",
        "key",
        "content_type",
        "display_key",
        "display_content_type",
        "width",
        "height",
        "bytes",
        "display_bytes",
        "created_at",
        "note_id",
        "position",
      ],
      imageRows,
    ),
  );
  // Engagement: likes lean to recent notes; counters follow by trigger.
  function* likeRows() {
    for (let k = 0; k < NOTES * 2; k++) {
      const n = Math.floor(NOTES * rand() ** 0.7);
      yield [note(n), user(Math.floor(rand() * USERS)), now - Math.floor(rand() * 24) * HOUR];
    }
  }
  lines.push(...ignoring("note_likes", ["note_id", "user_id", "created_at"], likeRows()));
  return lines.join("\n");
}

function decodeStatements(header: string | null): { sql: string; params: SqlValue[] }[] {
  if (!header) return [];
  return JSON.parse(Buffer.from(header, "base64").toString("utf8"));
}

/** `total;dur=12.3, d1;dur=4.5;desc="2"` → { total: { ms: 12.3, count: 1 }, d1: { ms: 4.5, count: 2 } }. */
function parseServerTiming(header: string | null): Map<string, { ms: number; count: number }> {
  const parts = new Map<string, { ms: number; count: number }>();
  for (const entry of (header ?? "").split(",")) {
    const [name, ...params] = entry.trim().split(";");
    if (!name) continue;
    const dur = params.find((p) => p.startsWith("dur="));
    const desc = params.find((p) => p.startsWith("desc="));
    parts.set(name, {
      ms: Number(dur?.slice(4) ?? 0),
      count: desc ? Number(desc.slice(5).replaceAll('"', "")) : 1,
    });
  }
  return parts;
}

const sessionToken = (i: number) => `bench-link-session-${i}`;
const cookieOf = (i: number) => `atas_session=${sessionToken(i)}`;

/** Session rows for `people`, written into the D1 file while no workerd has it open. */
function seedSessions(people: number[]) {
  const sqlite = new DatabaseSync(d1File(STATE));
  const now = Date.now();
  const insert = sqlite.prepare(
    "insert or replace into sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent) values (?, ?, ?, ?, ?, 'bench')",
  );
  sqlite.exec("begin");
  for (const i of people) insert.run(sessionId(sessionToken(i)), user(i), now, now, now + 7 * 24 * HOUR);
  sqlite.exec("commit");
  sqlite.close();
}

type Side = BenchSide;

/** Each side's twin in front of a Redis of its own: both hold the same keys (tl:<user>, the sets). */
function startSide(
  label: Side["label"],
  app: typeof import("../scripts/platform.ts"),
  port: number,
  state: string,
  onOutput?: (line: string) => void,
): Promise<Side> {
  return startBenchSide(label, app, {
    port,
    persistTo: state,
    seed: false,
    ...(onOutput ? { onOutput } : {}),
    inheritOutput: Boolean(process.env.BENCH_VERBOSE),
  });
}

async function main() {
  await seedUnlessReused(
    STATE,
    async () => bulkSql(await hashPassword(PASSWORD)),
    `${USERS} users, ${NOTES} notes, ~${FOLLOWS} follows each`,
  );
  const readers = Array.from({ length: READERS }, (_, k) => 1 + k * Math.floor((USERS - 1) / READERS));
  const fanoutFollowers = Array.from({ length: FANOUT_FOLLOWERS }, (_, k) => k + 1);
  seedSessions([...new Set([...readers, ...(QUICK ? [] : [...fanoutFollowers, FANOUT_AUTHOR])])]);
  const cookies = readers.map(cookieOf);

  /** What the fanout consumer logged per note: its report and its own time. */
  const fanoutRuns = new Map<string, { report: { timelines: number; pages: number }; ms: number }>();
  const frozen = mkdtempSync(join(tmpdir(), "atas-bench-link-app-"));
  const frozenBase = mkdtempSync(join(tmpdir(), "atas-bench-link-base-"));
  const baseState = join(frozenBase, "state");
  cpSync(STATE, baseState, { recursive: true });
  const started = performance.now();
  const sides: Side[] = [];
  try {
    sides.push(
      await startSide(
        "baseline",
        await baselineSnapshot(frozenBase, BASE_COMMIT, { webBuild: true }),
        BASE_PORT,
        baseState,
      ),
    );
    sides.push(
      await startSide("today", await snapshot(frozen), PORT, STATE, (line: string) => {
        const consumed = /fanout:([0-9a-f-]+): (\{.*\}) in (\d+) ms/.exec(line);
        if (consumed?.[1] && consumed[2] && consumed[3])
          fanoutRuns.set(consumed[1], { report: JSON.parse(consumed[2]), ms: Number(consumed[3]) });
      }),
    );
    console.log(`load average at the start: ${loadAverage()}`);
    const [base, today] = sides as [Side, Side];

    const progress = (line: string) => {
      if (process.env.BENCH_VERBOSE || QUICK) console.log(`  .. ${line}`);
    };
    for (const side of sides) {
      progress(`${side.label}: the feeds cron`);
      // The discovery feed's candidate sets are built by the feeds cron (and by events after that).
      const cron = await fetch(
        `${side.platform.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/10 * * * *")}`,
      );
      if (!cron.ok) throw new Error(`${side.label}: feeds cron ${cron.status}`);
    }

    // A copy, so the statements that write (the feed's activity stamp) run as they do in D1.
    const rawCopy = join(frozen, "raw.sqlite");
    copyFileSync(d1File(STATE), rawCopy);
    const sqlite = new DatabaseSync(rawCopy);
    const raw = (statements: { sql: string; params: SqlValue[] }[]) => {
      const at = performance.now();
      for (const { sql, params } of statements)
        sqlite.prepare(sql).all(...(params as (string | number | null)[]));
      return performance.now() - at;
    };
    const origin = today.platform.url;

    for (const feed of ["following", "discover"] as const) {
      const path = `/api/feed/${feed}?limit=20`;
      const get = (side: Side, cookie: string, extra: Record<string, string> = {}) =>
        fetch(`${side.direct}${path}`, { headers: { origin, cookie, ...extra } });
      /** One page for `cookie`'s reader, its time added to `samples`. */
      const timedRead = async (side: Side, cookie: string, samples: number[]) => {
        const at = performance.now();
        const response = await get(side, cookie);
        if (!response.ok)
          throw new Error(`${side.label} ${path}: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
        samples.push(performance.now() - at);
      };
      const figures = new Map<Side, Record<string, number[]>>();
      for (const side of sides)
        figures.set(side, {
          cold: [],
          warm: [],
          seconds: [],
          cpu: [],
          sequential: [],
          raw: [],
          trips: [],
          calls: [],
          read: [],
          returned: [],
          served: [],
        });
      const of = (side: Side) => figures.get(side) as Record<string, number[]>;

      // Cold: each reader's first page (a following timeline is rebuilt from D1 on the first read).
      progress(`${feed}: first pages`);
      for (const side of sides)
        await inParallel(cookies.length, CONCURRENCY, (k) =>
          timedRead(side, cookies[k] ?? "", of(side).cold ?? []),
        );
      // Warm, 50 at a time, the sides alternating: latency, requests a second, workerd CPU a request.
      for (let round = 0; round < ROUNDS; round++) {
        for (const side of round % 2 ? [...sides].reverse() : sides) {
          progress(`${feed}: ${side.label} warm round ${round + 1}`);
          const f = of(side);
          const cpuBefore = cpuMs(side.runtime.pid);
          const at = performance.now();
          const load = inParallel(REQUESTS, CONCURRENCY, (k) =>
            timedRead(side, cookies[k % cookies.length] ?? "", f.warm ?? []),
          );
          await load;
          f.seconds?.push((performance.now() - at) / 1000);
          f.cpu?.push(cpuMs(side.runtime.pid) - cpuBefore);
        }
      }
      // One at a time: what each request costs, and (today's) the same statements straight against SQLite.
      const breakdown = new Map<string, { ms: number; count: number }>();
      for (const side of sides) {
        progress(`${feed}: ${side.label} one at a time`);
        const f = of(side);
        for (const cookie of cookies.slice(0, MEASURED)) {
          // The previous request's background work (its usage line, the local metrics point) ends first.
          await new Promise((resolve) => setTimeout(resolve, 30));
          const at = performance.now();
          await (await get(side, cookie)).arrayBuffer();
          f.sequential?.push(performance.now() - at);

          const before = side.platform.upstash.requests;
          const measured = await get(side, cookie, { "x-atas-measure": "d1+sql" });
          const body = (await measured.json()) as { notes: unknown[] };
          // Background work (waitUntil) finishes shortly after the response; count it too.
          await new Promise((resolve) => setTimeout(resolve, 30));
          f.calls?.push(side.platform.upstash.requests - before);
          f.trips?.push(Number(measured.headers.get("x-d1-round-trips")));
          f.read?.push(Number(measured.headers.get("x-d1-rows-read")));
          f.returned?.push(Number(measured.headers.get("x-d1-rows-returned")));
          f.served?.push(body.notes.length);
          const statements = decodeStatements(measured.headers.get("x-d1-statements"));
          // BENCH_DUMP=dir keeps one request's statements per feed, for EXPLAIN QUERY PLAN.
          if (process.env.BENCH_DUMP && f.served?.length === 1)
            writeFileSync(
              join(process.env.BENCH_DUMP, `${feed}-${side.label}.json`),
              JSON.stringify(statements, null, 1),
            );
          raw(statements); // warm SQLite's page cache as D1's is warm
          f.raw?.push(Math.min(raw(statements), raw(statements), raw(statements)));

          if (side === today) {
            const timing = await get(side, cookie, { "x-atas-measure": "timing" });
            await timing.arrayBuffer();
            for (const [name, part] of parseServerTiming(timing.headers.get("server-timing"))) {
              const sum = breakdown.get(name) ?? { ms: 0, count: 0 };
              sum.ms += part.ms;
              sum.count += part.count;
              breakdown.set(name, sum);
            }
          }
        }
        stillRunning(side.runtime);
      }

      const sum = (xs: number[] = []) => xs.reduce((a, b) => a + b, 0);
      const p = (xs: number[] | undefined, q: number) => percentile(xs ?? [], q).toFixed(1);
      const rps = (side: Side) => (ROUNDS * REQUESTS) / sum(of(side).seconds);
      const cpuPer = (side: Side) => sum(of(side).cpu) / (ROUNDS * REQUESTS);
      console.log(
        `\nGET ${path}  (${USERS} users, ${NOTES} notes; straight to workerd, local D1, Upstash twin; load average ${loadAverage()})`,
      );
      console.log(`${"".padEnd(36)}${`baseline (${BASE_COMMIT})`.padEnd(28)}today`);
      const row = (name: string, cell: (side: Side) => string) =>
        console.log(`  ${name.padEnd(34)}${cell(base).padEnd(28)}${cell(today)}`);
      row(
        `first page, ${CONCURRENCY} concurrent p50/p95`,
        (s) => `${p(of(s).cold, 50)} / ${p(of(s).cold, 95)} ms`,
      );
      row(
        `later reads, ${CONCURRENCY} concurrent p50/p95`,
        (s) => `${p(of(s).warm, 50)} / ${p(of(s).warm, 95)} ms`,
      );
      row(`requests/s at ${CONCURRENCY} concurrent`, (s) => `${rps(s).toFixed(0)}`);
      row("workerd CPU per request", (s) => `${cpuPer(s).toFixed(2)} ms`);
      row("one at a time p50/p95", (s) => `${p(of(s).sequential, 50)} / ${p(of(s).sequential, 95)} ms`);
      row("same SQL in SQLite p50", (s) => `${percentile(of(s).raw ?? [], 50).toFixed(2)} ms`);
      row(
        "API p50 / raw SQL p50 (target <= 3x)",
        (s) => `${(percentile(of(s).sequential ?? [], 50) / percentile(of(s).raw ?? [], 50)).toFixed(1)}x`,
      );
      row("D1 round trips (max; target <= 3)", (s) => `${Math.max(...(of(s).trips ?? []))}`);
      row("Upstash calls (max; target <= 1)", (s) => `${Math.max(...(of(s).calls ?? []))}`);
      row(
        "rows read / returned",
        (s) =>
          `${(sum(of(s).read) / Math.max(1, sum(of(s).returned))).toFixed(1)}x, ${(sum(of(s).served) / Math.max(1, of(s).served?.length ?? 1)).toFixed(1)} notes a page`,
      );
      console.log(
        `  requests/s today / baseline: ${(rps(today) / rps(base)).toFixed(2)}x (target >= 2x); CPU per request: ${(cpuPer(base) / cpuPer(today)).toFixed(2)}x less`,
      );
      const n = MEASURED;
      const part = (name: string) => (breakdown.get(name)?.ms ?? 0) / n;
      const count = (name: string) => (breakdown.get(name)?.count ?? 0) / n;
      // "session" holds its own D1 trips ("session.d1"); "d1" is every other trip.
      const known = ["session", "session.d1", "d1", "store", "rank", "json"];
      const rest =
        part("total") - ["session", "d1", "store", "rank", "json"].reduce((a, k) => a + part(k), 0);
      console.log(
        `  where a request's ${part("total").toFixed(2)} ms go (today, one at a time, mean): ` +
          known
            .filter((name) => breakdown.has(name))
            .map((name) => `${name} ${part(name).toFixed(2)} ms (${count(name).toFixed(1)}x)`)
            .join(", ") +
          `; entry, Hono, validation, views and the rest ${Math.max(0, rest).toFixed(2)} ms`,
      );
    }
    sqlite.close();
    if (!QUICK) await fanOut(today, fanoutRuns);
    console.log(
      `\nwall time ${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end: ${loadAverage()}`,
    );
  } finally {
    await stopBenchSides(sides, [frozen, frozenBase]);
  }
}

/** Fan-out: the fan-out author posts once; every active follower's timeline must receive it. */
async function fanOut(
  side: Side,
  fanoutRuns: Map<string, { report: { timelines: number; pages: number }; ms: number }>,
) {
  const { platform, direct } = side;
  const redis = new Redis({
    url: platform.upstash.url,
    token: platform.upstash.token,
    automaticDeserialization: false,
    enableTelemetry: false,
  });
  const timelineKey = (i: number) => `tl:${user(i)}`;
  // Active readers have a timeline: build each follower's once (the first read does).
  await inParallel(FANOUT_FOLLOWERS, CONCURRENCY, async (k) => {
    await (
      await fetch(`${direct}/api/feed/following?limit=1`, {
        headers: { origin: platform.url, cookie: cookieOf(k + 1) },
      })
    ).arrayBuffer();
  });
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
    "base64",
  );
  const form = new FormData();
  form.set("original", new Blob([png], { type: "image/png" }), "p.png");
  const headers = { cookie: cookieOf(FANOUT_AUTHOR), origin: platform.url, "x-atas-csrf": "1" };
  const uploaded = await fetch(`${direct}/api/note-images`, { method: "POST", headers, body: form });
  if (!uploaded.ok) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
  const { image: picture } = (await uploaded.json()) as { image: { id: string } };
  const posted = performance.now();
  const created = await fetch(`${direct}/api/notes`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({
      title: "Fan-out",
      body: "One note, a thousand timelines",
      imageIds: [picture.id],
      visibility: "public",
    }),
  });
  if (!created.ok) throw new Error(`post: ${created.status} ${await created.text()}`);
  const { note: posted_ } = (await created.json()) as { note: { id: string } };
  let reached = 0;
  while (performance.now() - posted < 120_000) {
    const pipeline = redis.pipeline();
    for (let i = 1; i <= FANOUT_FOLLOWERS; i++) pipeline.zscore(timelineKey(i), posted_.id);
    const scores = await pipeline.exec<(string | null)[]>();
    reached = scores.filter((s) => s !== null).length;
    if (reached === FANOUT_FOLLOWERS) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const elapsed = (performance.now() - posted) / 1000;
  for (let wait = 0; wait < 40 && !fanoutRuns.has(posted_.id); wait++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const consumer = fanoutRuns.get(posted_.id);
  if (consumer)
    console.log(
      `\nfan-out consumer: ${consumer.report.timelines} timelines in ${consumer.report.pages} follower pages, ${consumer.ms} ms -> ${((consumer.report.timelines / consumer.ms) * 1000).toFixed(0)} timeline writes/s (the consumer's own time)`,
    );
  console.log(
    `fan-out: ${reached}/${FANOUT_FOLLOWERS} active followers' timelines hold the note ${elapsed.toFixed(2)} s after posting -> ${(reached / elapsed).toFixed(0)} timeline writes/s (includes the queue's batching delay)`,
  );
}

await main();
