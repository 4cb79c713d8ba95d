/**
 * D1 write throughput for ATAS's heaviest write paths, sent straight to the workerd that runs the
 * worker (not through `wrangler dev`'s proxy), on local D1 (one SQLite file: a single writer, as
 * D1's primary is):
 *  - posting a note (the request's batch: note, topics, mentions, counters, news; then the fanout
 *    queue job, which reads the author's active followers from D1 and writes their timelines);
 *  - liking a note (the like, the counters, a notice);
 *  - following someone (the follow, both counters, a notice).
 * Each one at a time and CONCURRENCY at a time: ms per write (p50/p95) and writes a second, and
 * from a metered sample (`x-atas-measure: d1`, untimed) the D1 statements and rows written per
 * request. The fanout consumer's share comes from its own log lines (timelines written, its time).
 * These anchor docs/scale.md's ceilings. Prints the load average with each run: the machine is shared.
 * `WRITES_QUICK=1 npm run bench:writes` for a quick run; `BENCH_REUSE=1` keeps the seeded state.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ROOT } from "../scripts/platform.ts";
import { innerRuntime, stillRunning } from "../scripts/workerd-process.ts";
import { hashPassword } from "../worker/src/shared/crypto.ts";
import { benchId, inserts, type SqlValue } from "./seed-sql.ts";
import { inParallel, logIn, percentile, seedUnlessReused, snapshot } from "./support.ts";

const QUICK = Boolean(process.env.WRITES_QUICK);
/** Posting accounts; each stays under its own hourly budgets (notes 20, follows 60, likes 300). */
const AUTHORS = Number(process.env.AUTHORS ?? (QUICK ? 12 : 40));
/** Readers following each author, all active (their timelines get every note). */
const FOLLOWERS = Number(process.env.FOLLOWERS ?? (QUICK ? 50 : 200));
const POOL = Math.max(FOLLOWERS * 4, 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
/** Writes of each kind: one at a time, then CONCURRENCY at a time. */
const SEQUENTIAL = Number(process.env.SEQUENTIAL ?? (QUICK ? 12 : 40));
const PARALLEL = Number(process.env.PARALLEL ?? (QUICK ? 36 : 200));
const METERED = QUICK ? 4 : 10;
const PASSWORD = "bench passphrase 2026";
const PORT = 8850;
const STATE = join(ROOT, ".wrangler", "bench-writes");
const HOUR = 3_600_000;

const author = (a: number) => benchId(8, a);
const reader = (p: number) => benchId(9, p);
/** Reader p follows the authors a with (a * 7 + k) % POOL === p for k < FOLLOWERS. */
const followerOf = (a: number, k: number) => (a * 7 + k) % POOL;

const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

function bulkSql(passwordHash: string): string[] {
  const now = Date.now();
  const userColumns = [
    "id",
    "email",
    "password_hash",
    "display_name",
    "role",
    "campus_id",
    "campus_verified",
    "email_verified_at",
    "created_at",
    "updated_at",
  ];
  const student = (id: string, mailbox: string, name: string): SqlValue[] => [
    id,
    `${mailbox}@bench.atas.dev`,
    passwordHash,
    name,
    "student",
    "um",
    1,
    now,
    now - 30 * 24 * HOUR,
    now,
  ];
  const ignoring = (table: string, columns: string[], rows: Iterable<SqlValue[]>) =>
    inserts(table, columns, rows, { perStatement: 200, orIgnore: true });
  return [
    ...ignoring("users", userColumns, [
      ...Array.from({ length: AUTHORS }, (_, a) => student(author(a), `writer${a}`, `Writer ${a}`)),
      ...Array.from({ length: POOL }, (_, p) => student(reader(p), `reader${p}`, `Reader ${p}`)),
    ]),
    ...ignoring(
      "follows",
      ["follower_id", "followee_id", "created_at"],
      (function* () {
        for (let a = 0; a < AUTHORS; a++)
          for (let k = 0; k < FOLLOWERS; k++) yield [reader(followerOf(a, k)), author(a), now - HOUR];
      })(),
    ),
    // Every reader read their feed lately: all are "active", so fan-out writes each one's timeline.
    ...ignoring(
      "feed_activity",
      ["user_id", "active_at"],
      Array.from({ length: POOL }, (_, p) => [reader(p), now]),
    ),
  ];
}

interface Phase {
  name: string;
  one: number[];
  many: number[];
  manySeconds: number;
  queries: number[];
  roundTrips: number[];
  rowsWritten: number[];
  /** The request's own statements replayed straight on a copy of the SQLite file (ms, best of 3). */
  sqlite: number[];
}

/** The local D1 file behind the persisted state. */
function d1File(): string {
  const dir = join(STATE, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database under ${dir}`);
  return join(dir, file);
}

/**
 * The time SQLite itself spends on a request's statements: what D1's single writer is busy for,
 * without the Worker, the binding or the network. Replayed in a transaction rolled back each time,
 * on a copy of the database taken just before the request (so its inserts meet no key of their own).
 */
function replay(copy: string, statements: { sql: string; params: SqlValue[] }[]): number {
  const sqlite = new DatabaseSync(copy);
  try {
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      sqlite.exec("BEGIN");
      const started = performance.now();
      for (const { sql, params } of statements)
        sqlite.prepare(sql).all(...(params as (string | number | null)[]));
      best = Math.min(best, performance.now() - started);
      sqlite.exec("ROLLBACK");
    }
    return best;
  } finally {
    sqlite.close();
  }
}

function phaseLines(phase: Phase): string[] {
  const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
  const oneSeconds = phase.one.reduce((x, y) => x + y, 0) / 1000;
  return [
    phase.name,
    `  1 at a time        n=${String(phase.one.length).padStart(3)}  p50 ${percentile(phase.one, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(phase.one, 95).toFixed(1).padStart(6)} ms  -> ${(phase.one.length / oneSeconds).toFixed(0).padStart(4)} writes/s`,
    `  ${String(CONCURRENCY).padStart(2)} at a time       n=${String(phase.many.length).padStart(3)}  p50 ${percentile(phase.many, 50).toFixed(1).padStart(6)} ms  p95 ${percentile(phase.many, 95).toFixed(1).padStart(6)} ms  -> ${(phase.many.length / phase.manySeconds).toFixed(0).padStart(4)} writes/s`,
    `  SQLite alone (the same statements replayed on a copy): p50 ${percentile(phase.sqlite, 50).toFixed(2)} ms -> one writer's ceiling ${(1000 / percentile(phase.sqlite, 50)).toFixed(0)} writes/s`,
    `  per request (metered sample of ${phase.queries.length}): D1 statements ${mean(phase.queries).toFixed(1)} in ${mean(phase.roundTrips).toFixed(1)} round trips, rows written ${mean(phase.rowsWritten).toFixed(1)}`,
  ];
}

async function main() {
  const startedAt = performance.now();
  // A fresh in-memory Upstash twin per run: the limiters' counters of an earlier run (same seeded ids) stay behind.
  process.env.REDIS_URL = "memory";
  console.log(`load average at start: ${loadavg()}  (${QUICK ? "quick" : "full"} mode)`);
  await seedUnlessReused(
    STATE,
    async () => bulkSql(await hashPassword(PASSWORD)).join("\n"),
    `${AUTHORS} writers, ${POOL} readers, ${FOLLOWERS} active followers per writer`,
  );

  /** The fanout consumer's own report per note: timelines written and its time. */
  const fanouts = new Map<string, { timelines: number; ms: number }>();
  /** The fanout queue's usage lines: D1 statements and rows the consumer spent. */
  const fanoutBatches: { messages: number; queries: number; rowsRead: number; rowsWritten: number }[] = [];
  const frozen = mkdtempSync(join(tmpdir(), "atas-bench-writes-app-"));
  const { startPlatform } = await snapshot(frozen);
  const platform = await startPlatform({
    port: PORT,
    persistTo: STATE,
    seed: false,
    onOutput: (line: string) => {
      const consumed = /fanout:([0-9a-f-]+): (\{.*\}) in (\d+) ms/.exec(line);
      if (consumed?.[1] && consumed[2] && consumed[3])
        fanouts.set(consumed[1], {
          timelines: (JSON.parse(consumed[2]) as { timelines: number }).timelines,
          ms: Number(consumed[3]),
        });
      if (line.includes('"queueName":"atas-fanout"')) {
        const usage = JSON.parse(line.slice(line.indexOf("{"))) as {
          messages: number;
          d1: { queries: number; rowsRead: number; rowsWritten: number };
        };
        fanoutBatches.push({ messages: usage.messages, ...usage.d1 });
      }
    },
    log: (line: string) => {
      if (/error|exceeded|restarted/i.test(line)) console.error(line);
    },
  });
  try {
    const runtime = await innerRuntime(PORT, async (base) => (await fetch(`${base}/openapi.json`)).ok);
    const direct = `http://127.0.0.1:${runtime.port}`;
    const ip = (a: number) => `10.7.${a >> 8}.${a & 255}`;
    const cookies: string[] = [];
    await inParallel(AUTHORS, 8, async (a) => {
      cookies[a] = await logIn(direct, `writer${a}@bench.atas.dev`, PASSWORD, ip(a), platform.url);
    });
    const headers = (a: number, extra: Record<string, string> = {}) => ({
      cookie: cookies[a] ?? "",
      origin: platform.url,
      "x-atas-csrf": "1",
      "cf-connecting-ip": ip(a),
      ...extra,
    });
    const total = SEQUENTIAL + PARALLEL + METERED;
    if (total / AUTHORS > 20)
      throw new Error(`${total} notes over ${AUTHORS} writers passes the 20 notes/h budget: raise AUTHORS`);

    // Each note carries an image, uploaded beforehand (untimed): a note without one is refused.
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
      "base64",
    );
    const images: string[] = [];
    await inParallel(total, 4, async (n) => {
      const form = new FormData();
      form.set("original", new Blob([png], { type: "image/png" }), "p.png");
      const uploaded = await fetch(`${direct}/api/note-images`, {
        method: "POST",
        headers: headers(n % AUTHORS),
        body: form,
      });
      if (!uploaded.ok) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
      images[n] = ((await uploaded.json()) as { image: { id: string } }).image.id;
    });

    /** Runs write `n` (timed into `samples`, or metered), failing the run on anything but success. */
    const runPhase = async (
      name: string,
      write: (n: number, extra: Record<string, string>) => Promise<Response>,
    ): Promise<Phase> => {
      const phase: Phase = {
        name,
        one: [],
        many: [],
        manySeconds: 0,
        queries: [],
        roundTrips: [],
        rowsWritten: [],
        sqlite: [],
      };
      const timed = async (n: number, samples: number[]) => {
        const started = performance.now();
        const response = await write(n, {});
        if (!response.ok) throw new Error(`${name} #${n}: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
        samples.push(performance.now() - started);
      };
      for (let n = 0; n < SEQUENTIAL; n++) await timed(n, phase.one);
      const manyStarted = performance.now();
      await inParallel(PARALLEL, CONCURRENCY, (k) => timed(SEQUENTIAL + k, phase.many));
      phase.manySeconds = (performance.now() - manyStarted) / 1000;
      for (let n = SEQUENTIAL + PARALLEL; n < total; n++) {
        // The copy first (with its write-ahead log, if any), then the request whose statements it replays.
        const copy = join(frozen, "replay.sqlite");
        copyFileSync(d1File(), copy);
        if (existsSync(`${d1File()}-wal`)) copyFileSync(`${d1File()}-wal`, `${copy}-wal`);
        else rmSync(`${copy}-wal`, { force: true });
        const response = await write(n, { "x-atas-measure": "d1+sql" });
        if (!response.ok)
          throw new Error(`${name} metered #${n}: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
        phase.queries.push(Number(response.headers.get("x-d1-queries")));
        phase.roundTrips.push(Number(response.headers.get("x-d1-round-trips")));
        phase.rowsWritten.push(Number(response.headers.get("x-d1-rows-written")));
        const header = response.headers.get("x-d1-statements");
        if (header)
          phase.sqlite.push(replay(copy, JSON.parse(Buffer.from(header, "base64").toString("utf8"))));
      }
      stillRunning(runtime);
      return phase;
    };

    const noteIds: string[] = [];
    const notes = await runPhase("post a note (POST /api/notes)", async (n, extra) => {
      const response = await fetch(`${direct}/api/notes`, {
        method: "POST",
        headers: headers(n % AUTHORS, { "content-type": "application/json", ...extra }),
        body: JSON.stringify({
          title: `Throughput ${n}`,
          body: `Note ${n} for the write benchmark #writes`,
          imageIds: [images[n]],
          visibility: "public",
        }),
      });
      if (response.ok) noteIds[n] = ((await response.clone().json()) as { note: { id: string } }).note.id;
      return response;
    });

    // Wait until the fanout consumer has reported on every posted note (state, not time).
    const fanoutDeadline = performance.now() + 300_000;
    while (noteIds.some((id) => !fanouts.has(id)) && performance.now() < fanoutDeadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const reported = noteIds.filter((id) => fanouts.has(id));

    // Like: writer a likes a note of another writer.
    const likes = await runPhase("like a note (PUT /api/notes/{id}/like)", (n, extra) =>
      fetch(`${direct}/api/notes/${noteIds[(n * 7 + 1) % noteIds.length]}/like`, {
        method: "PUT",
        headers: headers((n + 1) % AUTHORS, extra),
      }),
    );
    // Follow: writer a follows a reader who does not follow them back (a plain follow, no connection).
    const follows = await runPhase("follow someone (PUT /api/follows/{userId})", (n, extra) => {
      const a = n % AUTHORS;
      const target = (a * 7 + FOLLOWERS + Math.floor(n / AUTHORS)) % POOL;
      return fetch(`${direct}/api/follows/${reader(target)}`, { method: "PUT", headers: headers(a, extra) });
    });

    console.log(
      `\nD1 writes straight to workerd (local D1: one SQLite file, one writer), ${AUTHORS} writers, ${FOLLOWERS} active followers each`,
    );
    for (const phase of [notes, likes, follows]) for (const line of phaseLines(phase)) console.log(line);
    const timelines = reported.reduce((sum, id) => sum + (fanouts.get(id)?.timelines ?? 0), 0);
    const consumerMs = reported.reduce((sum, id) => sum + (fanouts.get(id)?.ms ?? 0), 0);
    const messages = fanoutBatches.reduce((sum, b) => sum + b.messages, 0);
    const sum = (key: "queries" | "rowsRead" | "rowsWritten") =>
      fanoutBatches.reduce((s, b) => s + b[key], 0);
    console.log("fan-out (the fanout queue consumer, same workerd)");
    console.log(
      `  ${reported.length}/${noteIds.length} notes fanned out: ${timelines} timeline writes in ${(consumerMs / 1000).toFixed(2)} s of consumer time -> ${((timelines / Math.max(1, consumerMs)) * 1000).toFixed(0)} timeline writes/s, ${(consumerMs / Math.max(1, reported.length)).toFixed(1)} ms per note`,
    );
    console.log(
      `  per job (${messages} jobs in ${fanoutBatches.length} batches): D1 statements ${(sum("queries") / Math.max(1, messages)).toFixed(1)}, rows read ${(sum("rowsRead") / Math.max(1, messages)).toFixed(0)}, rows written ${(sum("rowsWritten") / Math.max(1, messages)).toFixed(1)} (timelines are Upstash writes)`,
    );
    console.log(
      `\nload average at end: ${loadavg()}; wall time ${((performance.now() - startedAt) / 1000).toFixed(0)} s`,
    );
  } finally {
    await platform.stop();
    rmSync(frozen, { recursive: true, force: true });
  }
}

await main();
