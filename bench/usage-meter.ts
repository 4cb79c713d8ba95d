/**
 * What the usage meter (worker/src/telemetry) costs a request: the same routes timed through the
 * real worker (`wrangler dev`) on a copy of the tree before the meter (BASELINE, a commit) and on
 * this tree, one request at a time, sent straight to the workerd that runs the worker (found through
 * /proc), not through wrangler dev's proxy. Prints p50/p95 for each and the difference. Outside production
 * the meter also writes each request's metric point to D1 after the response (in production that is
 * an Analytics Engine data point), so the figures include that background write's load.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../scripts/platform.ts";
import { innerRuntime } from "../scripts/workerd-process.ts";
import { actorHash, usageLine } from "../worker/src/telemetry/log-line.ts";
import { meteredD1, meterScope, Usage } from "../worker/src/telemetry/usage.ts";
import { percentile, snapshot } from "./support.ts";

const BASELINE = process.env.BASELINE ?? "71e7c4a";
const REQUESTS = Number(process.env.REQUESTS ?? 600);
const WARMUP = 60;
const PORT = Number(process.env.PORT ?? 8851);
const ROUTES = ["/api/campuses", "/openapi.json"];

/** The tree at `commit`, with this tree's web build (the API routes timed here do not render pages). */
async function baselineCopy(dir: string): Promise<typeof import("../scripts/platform.ts")> {
  const entries = [
    "worker",
    "web",
    "scripts",
    "migrations",
    "wrangler.toml",
    "package.json",
    "tsconfig.json",
  ];
  const archive = execFileSync("git", ["-C", ROOT, "archive", commitOf(BASELINE), ...entries], {
    maxBuffer: 1 << 30,
  });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  cpSync(join(ROOT, "web", "build"), join(dir, "web", "build"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return import(join(dir, "scripts", "platform.ts"));
}

function commitOf(ref: string): string {
  return execFileSync("git", ["-C", ROOT, "rev-parse", ref]).toString().trim();
}

async function timeRoutes(platformModule: typeof import("../scripts/platform.ts"), dir: string) {
  const platform = await platformModule.startPlatform({
    port: PORT,
    persistTo: join(dir, ".wrangler", "bench-usage"),
    fresh: true,
    log: () => {},
  });
  const timings: Record<string, number[]> = {};
  try {
    const runtime = await innerRuntime(PORT, async (base) => (await fetch(`${base}/openapi.json`)).ok);
    const direct = `http://127.0.0.1:${runtime.port}`;
    for (const route of ROUTES) {
      const samples: number[] = [];
      for (let i = 0; i < WARMUP + REQUESTS; i += 1) {
        const started = performance.now();
        const response = await fetch(`${direct}${route}`);
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${route}: ${response.status}`);
        if (i >= WARMUP) samples.push(performance.now() - started);
      }
      timings[route] = samples;
    }
  } finally {
    await platform.stop();
  }
  return timings;
}

/** A D1 stand-in that answers at once, so only the meter's own work is timed. */
const instantD1 = {
  prepare: (sql: string) => {
    const statement = {
      bind: () => statement,
      all: async () => ({ results: [{ id: sql }], meta: { rows_read: 1, rows_written: 0 }, success: true }),
      raw: async () => [[sql]],
      run: async () => ({ results: [], meta: { rows_read: 1, rows_written: 1 }, success: true }),
    };
    return statement;
  },
} as unknown as D1Database;

/**
 * The meter's CPU per request in this process: a request of five statements (four selects through
 * raw(), one write), its usage line and actor hash, against the same statements unmetered.
 */
async function meterCpu(iterations = 20_000) {
  const request = async (db: D1Database) => {
    for (let i = 0; i < 4; i += 1) await db.prepare("select * from notes where id = ?").bind("n").raw();
    await db.prepare("update notes set title = ? where id = ?").bind("t", "n").run();
  };
  const time = async (work: () => Promise<void>) => {
    for (let i = 0; i < 2_000; i += 1) await work();
    const started = performance.now();
    for (let i = 0; i < iterations; i += 1) await work();
    return ((performance.now() - started) / iterations) * 1000;
  };
  const plain = await time(() => request(instantD1));
  const metered = await time(async () => {
    const usage = new Usage({ requestId: "bench" });
    await meterScope(usage, () => request(meteredD1(instantD1, usage)));
    const actor = await actorHash("user-id", { APP_ENV: "development" });
    JSON.stringify(
      usageLine({ kind: "request", method: "GET", status: 200 }, usage, usage.requestId, 1, actor),
    );
  });
  console.log(
    `meter CPU per request (5 statements, line, actor hash): ${plain.toFixed(1)} -> ${metered.toFixed(1)} µs (+${(metered - plain).toFixed(1)} µs)`,
  );
}

await meterCpu();
if (process.env.CPU_ONLY) process.exit(0);

const before = mkdtempSync(join(tmpdir(), "atas-bench-usage-before-"));
const after = mkdtempSync(join(tmpdir(), "atas-bench-usage-after-"));
try {
  const baseline = await timeRoutes(await baselineCopy(before), before);
  const metered = await timeRoutes(await snapshot(after), after);
  console.log(`usage meter overhead: ${REQUESTS} sequential requests a route, after ${WARMUP} to warm up`);
  console.log(`baseline ${BASELINE} (no meter) against this tree (meter, usage line, metric point)`);
  for (const route of ROUTES) {
    const a = baseline[route] ?? [];
    const b = metered[route] ?? [];
    const row = (p: number) =>
      `p${p} ${percentile(a, p).toFixed(2)} -> ${percentile(b, p).toFixed(2)} ms (${(percentile(b, p) - percentile(a, p)).toFixed(2)} ms)`;
    console.log(`${route.padEnd(16)} ${row(50)}   ${row(95)}`);
  }
} finally {
  rmSync(before, { recursive: true, force: true });
  rmSync(after, { recursive: true, force: true });
}
