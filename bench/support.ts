import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Platform, type PlatformOptions, ROOT, run, startThrowawayRedis } from "../scripts/platform.ts";
import { innerRuntime, type Runtime } from "../scripts/workerd-process.ts";

/** What the benchmarks share: seeding, signing in, load at a fixed concurrency, percentiles and the lines they print them in. */

/** The nearest-rank percentile `p` (0–100) of `samples`; NaN when there are none. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** One row of a latency table: what was timed, how many times, p50 and p99 in milliseconds. */
export function latencyRow(name: string, samples: number[]): string {
  return `${name.padEnd(34)} n=${String(samples.length).padStart(3)}  p50 ${percentile(samples, 50).toFixed(1).padStart(8)} ms  p99 ${percentile(samples, 99).toFixed(1).padStart(8)} ms`;
}

/**
 * What queueing the slow work gains over doing it inside the request, against the shared targets;
 * `label` says under what load both were measured when that is not one request at a time.
 */
export function queueGainLines(queued: number[], inline: number[], label?: string): string[] {
  const ratio50 = percentile(inline, 50) / percentile(queued, 50);
  const ratio99 = percentile(inline, 99) / percentile(queued, 99);
  const under = label ? ` (${label})` : "";
  return [
    `ratio inline/queued${under}: p50 ${ratio50.toFixed(1)}x, p99 ${ratio99.toFixed(1)}x (target >= 50x)`,
    `queued p99${under} ${percentile(queued, 99).toFixed(1)} ms (target <= 50 ms)`,
  ];
}

/** What a copy of the app needs to run (the last two for a web build in the copy, when web/build is missing). */
const APP_ENTRIES = [
  "worker",
  "web",
  "scripts",
  "migrations",
  "wrangler.toml",
  "package.json",
  "tsconfig.json",
  "react-router.config.ts",
  "vite.config.ts",
];

/**
 * A frozen copy of the app in `dir`, run through its own scripts/platform.ts: wrangler dev restarts
 * workerd whenever a file it watches changes, and others may edit worker/ while a benchmark runs.
 */
export async function snapshot(dir: string): Promise<typeof import("../scripts/platform.ts")> {
  for (const entry of APP_ENTRIES) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  return import(join(dir, "scripts", "platform.ts"));
}

/** The commit the issue 15 benchmarks compare against (`BENCH_BASE` picks another). */
export const BASE_COMMIT = process.env.BENCH_BASE ?? "5f45c25";

/**
 * The app as it was at `commit`, in `dir`, run through that commit's own scripts/platform.ts: the
 * baseline started beside today's code in the same run. `webBuild` copies today's web/build (for
 * benchmarks of the API alone, to save a build); without it the baseline's own web app is built.
 */
export async function baselineSnapshot(
  dir: string,
  commit = BASE_COMMIT,
  options: { webBuild?: boolean } = {},
): Promise<typeof import("../scripts/platform.ts")> {
  const archive = execFileSync("git", ["-C", ROOT, "archive", commit, ...APP_ENTRIES], {
    maxBuffer: 1 << 30,
  });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  if (options.webBuild && existsSync(join(ROOT, "web", "build")))
    cpSync(join(ROOT, "web", "build"), join(dir, "web", "build"), { recursive: true });
  return import(join(dir, "scripts", "platform.ts"));
}

/** The machine's load average (1, 5, 15 min), printed with each run: the machine is shared. */
export function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

/** The local D1 file persisted under `state` (wrangler's layout). */
export function d1File(state: string): string {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database under ${dir}`);
  return join(dir, file);
}

/** A session row's id for `token`, as identity/services/sessions.ts stores it (SHA-256, base64url). */
export const sessionId = (token: string) => createHash("sha256").update(token).digest("base64url");

/**
 * Seeds the local D1 persisted under `state`: the migrations, then the bulk SQL `bulkSql` writes.
 * `BENCH_REUSE=1` measures again on what a previous run left there instead. Prints `seeded <what> in N s`.
 */
export async function seedUnlessReused(state: string, bulkSql: () => string | Promise<string>, what: string) {
  if (process.env.BENCH_REUSE && existsSync(state)) return;
  const dir = mkdtempSync(join(tmpdir(), "atas-bench-seed-"));
  const file = join(dir, "bulk.sql");
  writeFileSync(file, await bulkSql());
  rmSync(state, { recursive: true, force: true });
  const seededAt = performance.now();
  await run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  await run("wrangler", ["d1", "execute", "DB", "--local", "--persist-to", state, "--file", file, "--yes"]);
  console.log(`seeded ${what} in ${((performance.now() - seededAt) / 1000).toFixed(0)} s`);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Signs a seeded user in through the API and returns the session cookie (`name=value`). `ip` gives
 * the login its own client address, so many logins stay under the per-address limit. `origin` is
 * the platform's public origin when `base` is workerd's own port (the worker sees the public URL).
 */
export async function logIn(
  base: string,
  email: string,
  password: string,
  ip?: string,
  origin = base,
): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin,
      "x-atas-csrf": "1",
      ...(ip ? { "cf-connecting-ip": ip } : {}),
    },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/** Runs `task(0)` … `task(count - 1)`, `concurrency` at a time: each worker takes the next index when it is free. */
export async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** One side of a same-run comparison: an app on its own port, with a Redis of its own behind its Upstash twin. */
export interface BenchSide {
  label: "baseline" | "today";
  platform: Platform;
  runtime: Runtime;
  /** workerd's own entry socket. */
  direct: string;
  redis: { stop(): Promise<void> };
}

/**
 * Starts `app` (a snapshot or a baseline snapshot) on `port` with `state`, and finds the workerd that
 * runs it; a side that fails to start is stopped. `options` pass through to startPlatform.
 */
export async function startBenchSide(
  label: BenchSide["label"],
  app: typeof import("../scripts/platform.ts"),
  options: Omit<PlatformOptions, "log"> & { port: number },
): Promise<BenchSide> {
  const redis = await startThrowawayRedis();
  if (!redis) throw new Error("this benchmark needs redis-server (apt-get install redis-server)");
  process.env.REDIS_URL = redis.url;
  const platform = await app.startPlatform({
    ...options,
    log: (line: string) => {
      if (/error|exceeded|restarted/i.test(line)) console.error(`${label}: ${line}`);
    },
  });
  try {
    const runtime = await innerRuntime(
      options.port,
      async (base) => (await fetch(`${base}/openapi.json`)).ok,
    );
    return { label, platform, runtime, direct: `http://127.0.0.1:${runtime.port}`, redis };
  } catch (error) {
    await stopBenchSides([{ platform, redis }], []);
    throw error;
  }
}

/** Stops every side and removes the frozen copies (wrangler may still be writing as it exits: a leftover is no failure). */
export async function stopBenchSides(
  sides: Pick<BenchSide, "platform" | "redis">[],
  dirs: string[],
): Promise<void> {
  for (const side of sides) {
    await side.platform.stop();
    await side.redis.stop();
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
}
