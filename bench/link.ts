/**
 * atas-link at scale: 10,000 users, 100,000 notes and 50 follows per user in local D1, then the
 * following and discovery feeds through the real worker (`wrangler dev`, the Upstash twin):
 *  - p50/p95 at 50 concurrent requests;
 *  - per request, measured one at a time: D1 round trips, Upstash calls (the twin counts them),
 *    rows read against rows returned, and the API's p50 against the same statements run straight
 *    against the SQLite file (node:sqlite) — the ratio is what the API and D1 add;
 *  - fan-out throughput: one note by an author with 1,000 active followers, timed until every
 *    follower's timeline holds it.
 * `BENCH_REUSE=1` keeps the seeded state between runs.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Redis } from "@upstash/redis";
import { ROOT } from "../scripts/platform.ts";
import { hashPassword } from "../worker/src/shared/crypto.ts";
import { benchId, inserts, prng, type SqlValue } from "./seed-sql.ts";
import { inParallel, logIn, percentile, seedUnlessReused, snapshot } from "./support.ts";

const USERS = Number(process.env.USERS ?? 10_000);
const NOTES = Number(process.env.NOTES ?? 100_000);
const FOLLOWS = Number(process.env.FOLLOWS ?? 50);
const FANOUT_FOLLOWERS = 1_000;
const FANOUT_AUTHOR = USERS - 1;
const CONCURRENCY = 50;
const READERS = 200;
const REQUESTS = 600;
const MEASURED = 30;
const PASSWORD = "bench passphrase 2026";
const PORT = 8799;
const STATE = join(ROOT, ".wrangler", "bench-link");
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

/** The local D1 file behind the persisted state, for the raw SQLite comparison. */
function d1File(): string {
  const dir = join(STATE, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database under ${dir}`);
  return join(dir, file);
}

function decodeStatements(header: string | null): { sql: string; params: SqlValue[] }[] {
  if (!header) return [];
  return JSON.parse(Buffer.from(header, "base64").toString("utf8"));
}

async function main() {
  await seedUnlessReused(
    STATE,
    async () => bulkSql(await hashPassword(PASSWORD)),
    `${USERS} users, ${NOTES} notes, ~${FOLLOWS} follows each`,
  );

  /** What the fanout consumer logged per note: its report and its own time. */
  const fanoutRuns = new Map<string, { report: { timelines: number; pages: number }; ms: number }>();
  const frozen = mkdtempSync(join(tmpdir(), "atas-bench-link-app-"));
  const { startPlatform } = await snapshot(frozen);
  const platform = await startPlatform({
    port: PORT,
    persistTo: STATE,
    seed: false,
    onOutput: (line: string) => {
      const consumed = /fanout:([0-9a-f-]+): (\{.*\}) in (\d+) ms/.exec(line);
      if (consumed?.[1] && consumed[2] && consumed[3])
        fanoutRuns.set(consumed[1], { report: JSON.parse(consumed[2]), ms: Number(consumed[3]) });
    },
    // BENCH_VERBOSE=1 shows wrangler's own output (worker logs, restarts).
    inheritOutput: Boolean(process.env.BENCH_VERBOSE),
    log: (line: string) => {
      if (/error|exceeded|restarted/i.test(line)) console.error(line);
    },
  });
  const redis = new Redis({
    url: platform.upstash.url,
    token: platform.upstash.token,
    automaticDeserialization: false,
    enableTelemetry: false,
  });
  try {
    const login = (i: number) =>
      logIn(platform.url, `link${i}@bench.atas.dev`, PASSWORD, `10.8.${i >> 8}.${i & 255}`);
    const readers = Array.from({ length: READERS }, (_, k) => 1 + k * Math.floor((USERS - 1) / READERS));
    const cookies: string[] = [];
    for (let k = 0; k < readers.length; k += 20)
      cookies.push(...(await Promise.all(readers.slice(k, k + 20).map(login))));

    // The discovery feed's candidate sets are built by the feeds cron (and by events after that).
    const cron = await fetch(
      `${platform.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/10 * * * *")}`,
    );
    console.log(`feeds cron: ${cron.status}`);

    // A copy, so the statements that write (the feed's activity stamp) run as they do in D1.
    const rawCopy = join(frozen, "raw.sqlite");
    copyFileSync(d1File(), rawCopy);
    const sqlite = new DatabaseSync(rawCopy);
    const raw = (statements: { sql: string; params: SqlValue[] }[]) => {
      const started = performance.now();
      for (const { sql, params } of statements)
        sqlite.prepare(sql).all(...(params as (string | number | null)[]));
      return performance.now() - started;
    };

    for (const feed of ["following", "discover"] as const) {
      const path = `/api/feed/${feed}?limit=20`;
      /** One page for `cookie`'s reader, its time added to `samples`. */
      const timed = async (cookie: string, samples: number[]) => {
        const started = performance.now();
        const response = await fetch(`${platform.url}${path}`, { headers: { cookie } });
        if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
        samples.push(performance.now() - started);
      };
      // Cold: each reader's first page (a following timeline is rebuilt from D1 on the first read).
      const cold: number[] = [];
      await inParallel(cookies.length, CONCURRENCY, (k) => timed(cookies[k] ?? "", cold));
      // Warm, 50 at a time: first pages and second pages.
      const warm: number[] = [];
      await inParallel(REQUESTS, CONCURRENCY, (k) => timed(cookies[k % cookies.length] ?? "", warm));
      // One at a time: what each request costs, and the same statements straight against SQLite.
      const sequential: number[] = [];
      const rawTimes: number[] = [];
      const trips: number[] = [];
      const calls: number[] = [];
      const read: number[] = [];
      const returned: number[] = [];
      const served: number[] = [];
      for (const cookie of cookies.slice(0, MEASURED)) {
        const started = performance.now();
        const plain = await fetch(`${platform.url}${path}`, { headers: { cookie } });
        await plain.arrayBuffer();
        sequential.push(performance.now() - started);

        const before = platform.upstash.requests;
        const measured = await fetch(`${platform.url}${path}`, {
          headers: { cookie, "x-atas-measure": "d1+sql" },
        });
        const body = (await measured.json()) as { notes: unknown[] };
        // Background work (waitUntil) finishes shortly after the response; count it too.
        await new Promise((resolve) => setTimeout(resolve, 30));
        calls.push(platform.upstash.requests - before);
        trips.push(Number(measured.headers.get("x-d1-round-trips")));
        read.push(Number(measured.headers.get("x-d1-rows-read")));
        returned.push(Number(measured.headers.get("x-d1-rows-returned")));
        served.push(body.notes.length);
        const statements = decodeStatements(measured.headers.get("x-d1-statements"));
        // BENCH_DUMP=dir keeps one request's statements per feed, for EXPLAIN QUERY PLAN.
        if (process.env.BENCH_DUMP && served.length === 1)
          writeFileSync(join(process.env.BENCH_DUMP, `${feed}.json`), JSON.stringify(statements, null, 1));
        raw(statements); // warm SQLite's page cache as D1's is warm
        rawTimes.push(Math.min(raw(statements), raw(statements), raw(statements)));
      }
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      console.log(`\nGET ${path}  (${USERS} users, ${NOTES} notes; wrangler dev, local D1, Upstash twin)`);
      console.log(
        `  cold first page   n=${cold.length}  p50 ${percentile(cold, 50).toFixed(1)} ms  p95 ${percentile(cold, 95).toFixed(1)} ms  (${CONCURRENCY} concurrent)`,
      );
      console.log(
        `  warm              n=${warm.length}  p50 ${percentile(warm, 50).toFixed(1)} ms  p95 ${percentile(warm, 95).toFixed(1)} ms  (${CONCURRENCY} concurrent)`,
      );
      console.log(
        `  per request       D1 round trips max ${Math.max(...trips)} (target <= 3), Upstash calls max ${Math.max(...calls)} (target <= 1)`,
      );
      console.log(
        `  rows              read ${sum(read)} / returned ${sum(returned)} = ${(sum(read) / Math.max(1, sum(returned))).toFixed(1)}x (target <= 10x); notes served per page ${(sum(served) / served.length).toFixed(1)}`,
      );
      console.log(
        `  one at a time     API p50 ${percentile(sequential, 50).toFixed(1)} ms vs the same SQL in SQLite p50 ${percentile(rawTimes, 50).toFixed(2)} ms -> overhead ${(percentile(sequential, 50) / percentile(rawTimes, 50)).toFixed(1)}x`,
      );
    }
    sqlite.close();

    // Fan-out: the fan-out author posts once; every active follower's timeline must receive it.
    const author = await login(FANOUT_AUTHOR);
    const timelineKey = (i: number) => `tl:${user(i)}`;
    // Active readers have a timeline: build each follower's once (the first read does).
    const followerCookies: string[] = [];
    for (let i = 1; i <= FANOUT_FOLLOWERS; i += 50)
      followerCookies.push(...(await Promise.all(Array.from({ length: 50 }, (_, k) => i + k).map(login))));
    await inParallel(followerCookies.length, CONCURRENCY, async (k) => {
      const cookie = followerCookies[k] ?? "";
      await (
        await fetch(`${platform.url}/api/feed/following?limit=1`, { headers: { cookie } })
      ).arrayBuffer();
    });
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC",
      "base64",
    );
    const form = new FormData();
    form.set("original", new Blob([png], { type: "image/png" }), "p.png");
    const headers = { cookie: author, origin: platform.url, "x-atas-csrf": "1" };
    const uploaded = await fetch(`${platform.url}/api/note-images`, { method: "POST", headers, body: form });
    if (!uploaded.ok) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
    const { image: picture } = (await uploaded.json()) as { image: { id: string } };
    const posted = performance.now();
    const created = await fetch(`${platform.url}/api/notes`, {
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
        `fan-out consumer: ${consumer.report.timelines} timelines in ${consumer.report.pages} follower pages, ${consumer.ms} ms -> ${((consumer.report.timelines / consumer.ms) * 1000).toFixed(0)} timeline writes/s (the consumer's own time)`,
      );
    console.log(
      `\nfan-out: ${reached}/${FANOUT_FOLLOWERS} active followers' timelines hold the note ${elapsed.toFixed(2)} s after posting -> ${(reached / elapsed).toFixed(0)} timeline writes/s (includes the queue's batching delay)`,
    );
  } finally {
    await platform.stop();
    rmSync(frozen, { recursive: true, force: true });
  }
}

await main();
