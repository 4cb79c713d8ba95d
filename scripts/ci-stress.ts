/**
 * `npm run ci:stress`: the proof that CI does not flake. Clones this checkout's committed HEAD into a
 * new temporary folder for each run and runs `bash .ci/run` there (`npm ci` + `npm test`, as CI
 * does), N times in a row (default 3), while a second CPU-heavy process runs beside it; stops at the
 * first failure and prints each run's time and result.
 *
 * Usage: node_modules/.bin/node scripts/ci-stress.ts [--runs N] [--load suite|burn|none]
 *   --load suite  (default) the workerd suite (`vitest run`) in a loop in this checkout, beside CI:
 *                 the same kind of work, so it also competes for sockets, ports and workerd starts
 *   --load burn   one process spinning on every core
 *   --load none   no second process (a baseline to compare times with)
 * The browser suite's port is E2E_PORT as for `npm test` (8790 when unset). Logs stay in the printed
 * folder; a failing run's last lines are printed.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname;
const BIN = join(ROOT, "node_modules", ".bin");

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    load: { type: "string", default: "suite" },
  },
});
const runs = Number(values.runs);
const load = values.load ?? "suite";
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs must be a whole number ≥ 1, not ${values.runs}`);
if (!["suite", "burn", "none"].includes(load))
  throw new Error(`--load must be suite, burn or none, not ${load}`);

const commit = spawnSync("git", ["-C", ROOT, "rev-parse", "HEAD"], { encoding: "utf8" }).stdout.trim();
const dirty = spawnSync("git", ["-C", ROOT, "status", "--porcelain", "--untracked-files=no"], {
  encoding: "utf8",
}).stdout.trim();
const base = mkdtempSync(join(tmpdir(), "atas-ci-stress-"));
console.log(`[ci-stress] commit ${commit}${dirty ? " (uncommitted changes are not part of it)" : ""}`);
console.log(`[ci-stress] ${runs} run(s) of .ci/run, load beside it: ${load}; logs in ${base}`);

/** The second CPU-heavy process: started once, kept going (restarted when it ends) until stopped. */
function startLoad(): { stop(): Promise<void>; rounds(): { passed: number; failed: number } } {
  const rounds = { passed: 0, failed: 0 };
  if (load === "none") return { stop: async () => {}, rounds: () => rounds };
  let stopped = false;
  let current: ChildProcess | undefined;
  const log = createWriteStream(join(base, "load.log"));
  const next = () => {
    if (stopped) return;
    current =
      load === "suite"
        ? spawn(join(BIN, "vitest"), ["run"], {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "pipe"],
            env: {
              ...process.env,
              PATH: `${BIN}:${process.env.PATH ?? ""}`,
              CLOUDFLARE_CF_FETCH_ENABLED: "false",
              WRANGLER_SEND_METRICS: "false",
            },
            detached: true,
          })
        : spawn(
            process.execPath,
            [
              "-e",
              `const { Worker } = require("node:worker_threads");
               for (let i = 1; i < ${availableParallelism()}; i++) new Worker("for (;;) {}", { eval: true });
               for (;;) {}`,
            ],
            { stdio: ["ignore", "pipe", "pipe"], detached: true },
          );
    current.stdout?.pipe(log, { end: false });
    current.stderr?.pipe(log, { end: false });
    current.on("exit", (code) => {
      // A round of the suite that fails under this load is a flake too: counted and reported.
      if (!stopped && load === "suite") rounds[code === 0 ? "passed" : "failed"]++;
      next();
    });
  };
  next();
  return {
    rounds: () => rounds,
    stop: async () => {
      stopped = true;
      const child = current;
      if (child?.pid && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(-child.pid, "SIGKILL");
        await exited;
      }
      log.end();
    },
  };
}

/** One run: a fresh clone of the commit, then `bash .ci/run` there, its output kept in a log. */
async function ciRun(n: number): Promise<{ passed: boolean; seconds: number; log: string; steps: string }> {
  const clone = join(base, `run-${n}`);
  mkdirSync(clone);
  const log = join(base, `run-${n}.log`);
  const cloned =
    spawnSync("git", ["clone", "--quiet", "--no-checkout", ROOT, clone], { stdio: "inherit" }).status === 0 &&
    spawnSync("git", ["-C", clone, "checkout", "--quiet", "--detach", commit], { stdio: "inherit" })
      .status === 0;
  if (!cloned) return { passed: false, seconds: 0, log, steps: "git clone failed" };
  const started = Date.now();
  const out = createWriteStream(log);
  const child = spawn("bash", [".ci/run"], { cwd: clone, stdio: ["ignore", "pipe", "pipe"], detached: true });
  ci = child;
  let pending = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out.write(chunk);
    // Step headings only, so progress shows without the suites' output.
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines)
      if (line.startsWith("── ") && !line.startsWith("── step times"))
        console.log(`  [run ${n}, ${((Date.now() - started) / 1000).toFixed(0)} s] ${line.slice(3)}`);
  });
  child.stderr.on("data", (chunk: Buffer) => out.write(chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  await new Promise((resolve) => out.end(resolve));
  const seconds = (Date.now() - started) / 1000;
  const text = readFileSync(log, "utf8");
  const steps = text.slice(text.lastIndexOf("── step times")).trim();
  if (code === 0) rmSync(clone, { recursive: true, force: true });
  return { passed: code === 0, seconds, log, steps };
}

const background = startLoad();
let ci: ChildProcess | undefined;
process.once("SIGINT", () => {
  // Interrupted: take the load and the current run down with this script.
  if (ci?.pid) process.kill(-ci.pid, "SIGKILL");
  void background.stop().then(() => process.exit(130));
});
const results: { n: number; passed: boolean; seconds: number }[] = [];
try {
  for (let n = 1; n <= runs; n++) {
    console.log(`\n[ci-stress] run ${n} of ${runs}`);
    const result = await ciRun(n);
    results.push({ n, passed: result.passed, seconds: result.seconds });
    console.log(
      `[ci-stress] run ${n}: ${result.passed ? "passed" : "FAILED"} in ${result.seconds.toFixed(0)} s`,
    );
    if (result.steps.startsWith("── step times")) console.log(result.steps);
    if (!result.passed) {
      const lines = readFileSync(result.log, "utf8").trimEnd().split("\n");
      console.log(`\n[ci-stress] the last lines of ${result.log}:\n${lines.slice(-60).join("\n")}`);
      break;
    }
  }
} finally {
  await background.stop();
}

console.log("\n[ci-stress] summary");
for (const { n, passed, seconds } of results)
  console.log(`  run ${n}: ${passed ? "passed" : "FAILED"}  ${seconds.toFixed(0)} s`);
const loadRounds = background.rounds();
if (load === "suite")
  console.log(
    `  load beside it: the workerd suite ran ${loadRounds.passed + loadRounds.failed} whole time(s), ${loadRounds.failed} failed (${base}/load.log)`,
  );
const allPassed = results.length === runs && results.every((r) => r.passed);
console.log(allPassed ? `all ${runs} run(s) passed` : "stopped at the first failure");
process.exitCode = allPassed ? 0 : 1;
