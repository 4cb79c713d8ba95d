/**
 * `npm test`: first the system programs the tests need (scripts/system-programs.ts: Debian's
 * chromium and redis-server, installed with apt-get when missing and this user may, else a stop at
 * once with the command to run); then types beside lint, the layer rules (.dependency-cruiser.cjs),
 * the build, the Node-side tests and a deploy dry run (two lanes), then the workerd integration
 * tests (the browser tests' platform starting beside them) and the browser tests, with a throwaway
 * Redis behind the Upstash twin; stops at the first failure and prints each step's wall time.
 *
 * `npm test -- --preflight-only` stops after the first part (scripts/fresh-machine.ts's quick check).
 */
import { spawn } from "node:child_process";
import { globSync } from "node:fs";
import { join } from "node:path";
import {
  type Platform,
  QUIET_WRANGLER_ENV,
  ROOT,
  run,
  startPlatform,
  startThrowawayRedis,
} from "./platform.ts";
import { ensureSystemPrograms, MissingSystemPrograms } from "./system-programs.ts";

type Step = [string, string, string[]];

/**
 * The checks before the suites, as two lanes on the machine's two cores (each step is single
 * threaded), after the route types are generated: tsc in one; lint, layers, build, the Node tests
 * and the deploy dry run in the other. Each step's output
 * is printed whole when it ends.
 */
const typegen: Step = ["types", "react-router", ["typegen"]];
const lanes: Step[][] = [
  [["types", "tsc", ["--noEmit", "-p", "."]]],
  [
    ["lint", "biome", ["check", "."]],
    [
      "layers",
      "depcruise",
      ["--config", ".dependency-cruiser.cjs", "--output-type", "err-long", "worker/src"],
    ],
    ["build", "react-router", ["build"]],
    ["node tests", "vitest", ["run", "-c", "vitest.node.config.ts"]],
    // It bundles the build above; tsc, the other lane, is still running by then.
    ["deploy dry run", "node", ["scripts/deploy-check.ts"]],
  ],
];
const workerdSuite: Step = ["workerd tests", "vitest", ["run"]];
const browserSuite: Step = ["browser tests", "vitest", ["run", "-c", "vitest.e2e.config.ts"]];

console.log("── system programs");
try {
  // Every later step (and the Redis started here) finds them through these variables.
  Object.assign(process.env, ensureSystemPrograms());
} catch (error) {
  console.error(`\n${error instanceof MissingSystemPrograms ? error.message : String(error)}`);
  process.exit(1);
}
if (process.argv.includes("--preflight-only")) {
  console.log("\npreflight passed (--preflight-only: no suite run)");
  process.exit(0);
}

const redis = await startThrowawayRedis();
if (!redis) throw new Error("redis-server was found but did not start");
console.log(`real Redis for the Upstash twin at ${redis.url}`);
const env = { ...QUIET_WRANGLER_ENV, REDIS_URL: redis.url };
// The browser tests' platform starts in this process (below); its Upstash twin finds Redis here.
process.env.REDIS_URL = redis.url;
const started = Date.now();
/** Each step's wall time, printed as a table at the end (pass or fail) so CI time can be read per step. */
const timings: { name: string; seconds: number; lane?: number }[] = [];
let platform: Platform | undefined;
try {
  // Route types first, alone: tsc reads them, and the build must not rewrite them under it.
  await timed("route types", () => runBuffered(typegen, env));
  const lanesStarted = Date.now();
  const results = await Promise.allSettled(
    lanes.map(async (lane, index) => {
      for (const step of lane) await timed(step[0], () => runBuffered(step, env), index + 1);
    }),
  );
  timings.push({ name: "both lanes (wall)", seconds: (Date.now() - lanesStarted) / 1000 });
  for (const result of results) if (result.status === "rejected") throw result.reason;
  // The browser tests' platform (wrangler dev, migrations, the demo seed: about a minute) starts
  // now, beside the workerd tests, which spend much of their time waiting; the browser suite then
  // finds it through E2E_BASE_URL (test/e2e/global-setup.ts) instead of starting its own.
  const platformStarted = Date.now();
  const e2ePlatform = startPlatform({
    port: Number(process.env.E2E_PORT ?? 8790),
    persistTo: join(ROOT, ".wrangler", `e2e-state-${process.env.E2E_PORT ?? 8790}`),
    fresh: true,
    log: () => {},
    // It shares the cores with the workerd suite: a slow start is load, not a fault.
    upTimeoutMs: 600_000,
  }).then(
    (up) => {
      platform = up;
      timings.push({
        name: "browser tests' platform start (beside the workerd tests)",
        seconds: (Date.now() - platformStarted) / 1000,
      });
      return up;
    },
    (error: unknown) => new Error(`the browser tests' platform did not start: ${String(error)}`),
  );
  const [workerdName, workerdCommand, workerdArgs] = workerdSuite;
  const [browserName, browserCommand, browserArgs] = browserSuite;
  console.log(`\n── ${workerdName}: ${workerdCommand} ${workerdArgs.join(" ")}`);
  try {
    await timed(workerdName, () => runWorkerdSuite(workerdArgs, env));
  } finally {
    // Settled before going on (a failed suite still stops the platform, below).
    await e2ePlatform;
  }
  const ready = await e2ePlatform;
  if (ready instanceof Error) throw ready;
  console.log(`\n── ${browserName}: ${browserCommand} ${browserArgs.join(" ")} (platform at ${ready.url})`);
  await timed(browserName, () => run(browserCommand, browserArgs, { ...env, E2E_BASE_URL: ready.url }));
  console.log(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s (${ROOT})`);
} catch (error) {
  console.error(`\n${String(error)}`);
  process.exitCode = 1;
} finally {
  printTimings();
  await platform?.stop();
  await redis.stop();
}

async function timed(name: string, work: () => Promise<void>, lane?: number): Promise<void> {
  const stepStarted = Date.now();
  try {
    await work();
  } finally {
    timings.push({ name, seconds: (Date.now() - stepStarted) / 1000, ...(lane ? { lane } : {}) });
  }
}

function printTimings() {
  console.log("\n── step times (wall clock)");
  for (const { name, seconds, lane } of timings)
    console.log(`${seconds.toFixed(1).padStart(7)} s  ${lane ? `lane ${lane}: ` : ""}${name}`);
  console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s  total after the system programs`);
}

/** One step with its output held back, then printed under its heading once it ends (pass or fail). */
function runBuffered([name, command, args]: Step, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", command), args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    const output: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("exit", (code) => {
      console.log(`\n── ${name}: ${command} ${args.join(" ")}`);
      process.stdout.write(Buffer.concat(output));
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}`));
    });
  });
}

/**
 * The workerd suite, watched: now and then vitest, its files all passed, never ended the run (about
 * once in five runs here). The cause found: vitest awaits every console call it relayed before it
 * ends a file, and the pool parks a log made in another I/O context (a queue consumer, waitUntil)
 * until its next message, which never comes after a file's last one (cloudflare/workers-sdk#15719);
 * vitest.config.ts turns the relay off (`disableConsoleIntercept`). The watch stays as a safety net:
 * when every file of the suite has reported a pass and nothing more is printed for 30 s (only the
 * summary is left to print, which takes a second), the run is stopped and counted as passed, and
 * this is said plainly. Any failure, or a file that never reported, still fails the step.
 */
function runWorkerdSuite(args: string[], env: Record<string, string>): Promise<void> {
  const files = new Set(
    globSync("test/**/*.test.ts", { cwd: ROOT }).filter(
      (f) => !f.startsWith("test/e2e/") && !f.startsWith("test/scripts/") && !f.endsWith(".unit.test.ts"),
    ),
  );
  const passed = new Set<string>();
  let failed = false;
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "vitest"), args, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
      detached: true,
    });
    let quiet: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const raw of lines) {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes are what is stripped
        const line = raw.replace(/\u001b\[[0-9;]*m/g, "");
        const file = line.match(/^ [✓] (test\/\S+\.test\.ts)/)?.[1];
        if (file) passed.add(file);
        if (/^ [×❯] test\/|FAIL /.test(line)) failed = true;
      }
      clearTimeout(quiet);
      if (!failed && [...files].every((f) => passed.has(f)))
        quiet = setTimeout(() => {
          stopped = true;
          console.log(
            `\nevery one of the ${files.size} workerd test files passed, but vitest has not ended the run for 30 s: stopping it (see scripts/test.ts)`,
          );
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        }, 30_000);
    });
    child.on("exit", (code) => {
      clearTimeout(quiet);
      if (code === 0 || (stopped && !failed)) resolve();
      else reject(new Error(`vitest ${args.join(" ")} exited with ${code}`));
    });
  });
}
