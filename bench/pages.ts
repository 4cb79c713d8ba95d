/**
 * Server-rendered pages against the JSON they show: discover, one note page and the expert
 * directory, each rendered by the Worker (React Router, the loaders calling the API in-process), and
 * the JSON route that carries the same data, sent straight to the workerd that runs the worker (not
 * through `wrangler dev`'s proxy), signed in as a demo student, one request at a time, the pages and
 * their JSON alternating. Today's code and the baseline (commit BASE_COMMIT, its own web build, from
 * `git archive`) run side by side on the dev seed, each on a fresh local state. Prints p50/p95 per
 * request and page p95 / JSON p95 (target <= 2x), and for today's pages where a render's time goes
 * (`x-atas-measure: timing`: API calls made in-process, session lookups, D1 round trips).
 * `BENCH_QUICK=1` measures 30 of each instead of 150.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stillRunning } from "../scripts/workerd-process.ts";
import { DEMO_PASSWORD, demoStudents } from "../worker/src/dev/seed-data.ts";
import {
  BASE_COMMIT,
  type BenchSide,
  baselineSnapshot,
  loadAverage,
  logIn,
  percentile,
  snapshot,
  startBenchSide,
  stopBenchSides,
} from "./support.ts";

const QUICK = Boolean(process.env.BENCH_QUICK);
const SAMPLES = QUICK ? 30 : 150;
const WARMUP = 10;
const PORT = 8826;
const BASE_PORT = 8828;

interface Side extends BenchSide {
  cookie: string;
  /** What each page shows and the JSON route that carries the same data. */
  pairs: { name: string; page: string; json: string }[];
}

async function startSide(
  label: Side["label"],
  app: typeof import("../scripts/platform.ts"),
  port: number,
  state: string,
): Promise<Side> {
  const side = await startBenchSide(label, app, { port, persistTo: state, fresh: true, seed: false });
  try {
    return await prepare(side);
  } catch (error) {
    await stopBenchSides([side], []);
    throw error;
  }
}

/** Seeds the side, builds the discovery sets, signs a demo student in and picks the pages. */
async function prepare(side: BenchSide): Promise<Side> {
  const { label, platform, direct } = side;
  const origin = platform.url;
  const seeded = await fetch(`${direct}/dev/seed`, {
    method: "POST",
    headers: { origin, "x-atas-csrf": "1" },
  });
  if (!seeded.ok) throw new Error(`${label}: seed ${seeded.status} ${await seeded.text()}`);
  const student = demoStudents()[0]?.email;
  if (!student) throw new Error(`${label}: no demo student in the seed`);
  const cron = await fetch(
    `${platform.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/10 * * * *")}`,
  );
  if (!cron.ok) throw new Error(`${label}: feeds cron ${cron.status}`);
  const cookie = await logIn(direct, student, DEMO_PASSWORD, "10.7.0.1", origin);
  const feed = (await (
    await fetch(`${direct}/api/feed/discover?limit=20`, { headers: { cookie, origin } })
  ).json()) as { notes: { id: string }[] };
  const noteId = feed.notes[0]?.id;
  if (!noteId) throw new Error(`${label}: the discover feed is empty`);
  return {
    ...side,
    cookie,
    pairs: [
      { name: "discover", page: "/discover", json: "/api/feed/discover?limit=20" },
      { name: "note page", page: `/notes/${noteId}`, json: `/api/notes/${noteId}` },
      { name: "expert directory", page: "/experts", json: "/api/experts?limit=20" },
    ],
  };
}

async function timedGet(side: Side, path: string, extra: Record<string, string> = {}) {
  const started = performance.now();
  const response = await fetch(`${side.direct}${path}`, {
    headers: { cookie: side.cookie, origin: side.platform.url, ...extra },
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`${side.label} ${path}: ${response.status} ${body.slice(0, 300)}`);
  return { ms: performance.now() - started, response, bytes: body.length };
}

async function main() {
  const started = performance.now();
  const frozen = mkdtempSync(join(tmpdir(), "atas-bench-pages-app-"));
  const frozenBase = mkdtempSync(join(tmpdir(), "atas-bench-pages-base-"));
  const sides: Side[] = [];
  try {
    sides.push(
      await startSide("baseline", await baselineSnapshot(frozenBase), BASE_PORT, join(frozenBase, "state")),
    );
    sides.push(await startSide("today", await snapshot(frozen), PORT, join(frozen, "state")));
    console.log(`load average at the start: ${loadAverage()}`);
    const samples = new Map<string, number[]>();
    const add = (key: string, ms: number) => samples.set(key, [...(samples.get(key) ?? []), ms]);
    const bytes = new Map<string, number>();

    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      for (const side of i % 2 ? [...sides].reverse() : sides) {
        for (const pair of side.pairs) {
          // The page and its JSON alternate which goes first.
          const order = i % 2 ? [pair.json, pair.page] : [pair.page, pair.json];
          for (const path of order) {
            const { ms, bytes: size } = await timedGet(side, path);
            const kind = path === pair.page ? "page" : "json";
            bytes.set(`${side.label} ${pair.name} ${kind}`, size);
            if (i >= WARMUP) add(`${side.label} ${pair.name} ${kind}`, ms);
          }
        }
      }
    }
    for (const side of sides) stillRunning(side.runtime);

    const today = sides[1] as Side;
    console.log(
      `\nServer-rendered pages against their JSON, one at a time, ${SAMPLES} each, signed in, straight to workerd (load average ${loadAverage()})`,
    );
    console.log(
      `${"".padEnd(20)}${"".padEnd(10)}${`baseline (${BASE_COMMIT}) p50 / p95`.padEnd(34)}today p50 / p95`,
    );
    for (const pair of today.pairs) {
      for (const kind of ["page", "json"] as const) {
        const cell = (label: string) => {
          const xs = samples.get(`${label} ${pair.name} ${kind}`) ?? [];
          return `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 95).toFixed(1)} ms (${((bytes.get(`${label} ${pair.name} ${kind}`) ?? 0) / 1024).toFixed(0)} KB)`;
        };
        console.log(
          `${pair.name.padEnd(20)}${(kind === "page" ? "page" : "JSON").padEnd(10)}${cell("baseline").padEnd(34)}${cell("today")}`,
        );
      }
      const ratio = (label: string) =>
        percentile(samples.get(`${label} ${pair.name} page`) ?? [], 95) /
        percentile(samples.get(`${label} ${pair.name} json`) ?? [], 95);
      console.log(
        `${"".padEnd(20)}${"p95 page/JSON".padEnd(10)}  ${`${ratio("baseline").toFixed(2)}x`.padEnd(32)}${ratio("today").toFixed(2)}x (target <= 2x)`,
      );
    }
    // Where a render's time goes (today): the server-timing header of one timed render of each page.
    console.log("\nwhat a page render costs (today, mean of 10 renders; server-timing):");
    for (const pair of today.pairs) {
      const sums = new Map<string, { ms: number; count: number }>();
      for (let k = 0; k < 10; k++) {
        const { response } = await timedGet(today, pair.page, { "x-atas-measure": "timing" });
        for (const entry of (response.headers.get("server-timing") ?? "").split(",")) {
          const [name, ...params] = entry.trim().split(";");
          if (!name) continue;
          const dur = Number(params.find((p) => p.startsWith("dur="))?.slice(4) ?? 0);
          const count = Number(
            params
              .find((p) => p.startsWith("desc="))
              ?.slice(5)
              .replaceAll('"', "") ?? 1,
          );
          const sum = sums.get(name) ?? { ms: 0, count: 0 };
          sums.set(name, { ms: sum.ms + dur, count: sum.count + count });
        }
      }
      const part = (name: string) => sums.get(name) ?? { ms: 0, count: 0 };
      const per = (n: number) => (n / 10).toFixed(1);
      console.log(
        `  ${pair.name.padEnd(18)} ${per(part("total").ms)} ms: ${per(part("api").count)} API calls in process, ` +
          `${per(part("session").count)} session lookups, ${per(part("d1").count + part("session.d1").count)} D1 round trips, ` +
          `${per(part("store").count)} store calls`,
      );
    }
    console.log(
      `\nwall time ${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end: ${loadAverage()}`,
    );
  } finally {
    await stopBenchSides(sides, [frozen, frozenBase]);
  }
}

await main();
