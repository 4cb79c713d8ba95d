/**
 * The README's two lines on a fresh clone, as a newcomer runs them, where Debian's `chromium` and
 * `redis-server` are not on the PATH. Not part of `npm test`: it clones this checkout's committed
 * HEAD into a temporary folder and runs there, in a clean environment (a new HOME and npm cache,
 * nothing of this shell's variables), with a PATH of symlinks to the system's programs that leaves
 * out chromium* and redis-*:
 *
 *   1. `npm ci`, then `npm run dev` until its web app answers, then stopped (the first line);
 *   2. `npm test` as `nobody` (not root, no sudo): must stop within seconds, before any suite, with
 *      the exact apt-get command to run;
 *   3. `npm test` as root: must run apt-get (which finds the packages already installed on this
 *      machine), then find the programs where dpkg put them, though they are not on PATH, and pass
 *      every suite.
 *
 * Usage: node_modules/.bin/node scripts/fresh-machine.ts [--quick]
 *   --quick  step 3 stops after the preflight (`npm test -- --preflight-only`): the logic in seconds
 *            once the clone is installed, without the suites' minutes.
 * Needs root (step 3 installs), setpriv (util-linux) for step 2, and git; about 10 minutes on an idle
 * machine (the suites take most of it).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findOnPath, manualInstallCommand } from "./system-programs.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const QUICK = process.argv.includes("--quick");
const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const HIDDEN = /^(chromium|redis-)/;
const NOBODY = 65534;

interface Outcome {
  step: string;
  passed: boolean;
  seconds: number;
  note: string;
}
const outcomes: Outcome[] = [];

function say(line: string) {
  console.log(`\n[fresh-machine] ${line}`);
}

/** Runs a command, its output shown live and kept; resolves with the exit code (null on timeout). */
function runShown(
  argv: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const [command = "", ...args] = argv;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), options.timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Processes still running from the temporary folder (wrangler dev runs in its own process group, so
 * a step killed at its timeout can leave it behind): ended by their ids, none other touched.
 */
function killLeftovers() {
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (Number(pid) === process.pid) continue;
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(base)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}

function groupAlive(child: ChildProcess): boolean {
  try {
    if (child.pid) process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A folder of symlinks to every program on the system PATH (Node and npm among them), chromium* and redis-* left out. */
function hidingPath(into: string): string {
  mkdirSync(into);
  for (const dir of SYSTEM_PATH.split(":")) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (HIDDEN.test(name) || existsSync(join(into, name))) continue;
      symlinkSync(join(dir, name), join(into, name));
    }
  }
  return into;
}

function record(step: string, passed: boolean, seconds: number, note: string) {
  outcomes.push({ step, passed, seconds, note });
  say(`${passed ? "PASS" : "FAIL"} ${step} (${seconds.toFixed(0)} s): ${note}`);
}

function summary(): never {
  console.log("\n[fresh-machine] summary");
  for (const { step, passed, seconds, note } of outcomes)
    console.log(
      `  ${passed ? "pass" : "FAIL"}  ${step.padEnd(44)} ${`${seconds.toFixed(0)} s`.padStart(6)}  ${note}`,
    );
  const total = outcomes.reduce((sum, outcome) => sum + outcome.seconds, 0);
  const ok = outcomes.every((outcome) => outcome.passed);
  console.log(`  ${ok ? "all passed" : "FAILED"} in ${total.toFixed(0)} s${QUICK ? " (--quick)" : ""}`);
  process.exit(ok ? 0 : 1);
}

if (process.getuid?.() !== 0) {
  console.error("fresh-machine: run as root (step 3 installs with apt-get as root)");
  process.exit(2);
}
for (const tool of ["git", "setpriv"])
  if (!findOnPath(tool)) {
    console.error(`fresh-machine: needs ${tool}`);
    process.exit(2);
  }

const commit = spawnSync("git", ["-C", ROOT, "rev-parse", "HEAD"], { encoding: "utf8" }).stdout.trim();
const dirty = spawnSync("git", ["-C", ROOT, "status", "--porcelain"], { encoding: "utf8" }).stdout.trim();
if (dirty) say("note: this checkout has uncommitted changes; only the committed HEAD is tried");

const base = mkdtempSync(join(tmpdir(), "atas-fresh-"));
chmodSync(base, 0o755); // nobody must reach the clone
const clone = join(base, "atas");
const bin = hidingPath(join(base, "bin"));
const rootHome = join(base, "home-root");
const nobodyHome = join(base, "home-nobody");
mkdirSync(rootHome);
mkdirSync(nobodyHome);
chownSync(nobodyHome, NOBODY, NOBODY);
say(`commit ${commit}\n  clone ${clone}\n  PATH ${bin} (symlinks; chromium* and redis-* left out)`);

/** What a newcomer's shell has: nothing of this one's, a new HOME and npm cache, the hiding PATH. */
function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: bin,
    HOME: home,
    LANG: "C.UTF-8",
    npm_config_cache: join(home, ".npm"),
    // This machine's npm settings (the CA file, node-gyp's headers) are part of the machine, not of
    // this shell: root keeps them; nobody cannot read them and needs none to run npm test.
    ...(home === rootHome && existsSync("/root/.npmrc") ? { npm_config_userconfig: "/root/.npmrc" } : {}),
    ...extra,
  };
}

const hidden = ["chromium", "redis-server", "redis-cli"].filter((name) => findOnPath(name, bin));
const present = ["node", "npm", "git", "apt-get", "dpkg"].filter((name) => findOnPath(name, bin));
record(
  "hiding PATH",
  hidden.length === 0 && present.length === 5,
  0,
  hidden.length ? `still visible: ${hidden.join(", ")}` : `no chromium or redis-*; has ${present.join(", ")}`,
);
if (!outcomes.every((outcome) => outcome.passed)) summary();

{
  const started = Date.now();
  const cloned =
    spawnSync("git", ["clone", "--quiet", "--no-checkout", ROOT, clone], { stdio: "inherit" }).status === 0 &&
    spawnSync("git", ["-C", clone, "checkout", "--quiet", "--detach", commit], { stdio: "inherit" })
      .status === 0;
  record("git clone (committed HEAD)", cloned, (Date.now() - started) / 1000, commit.slice(0, 12));
  if (!cloned) summary();
}

say("README line 1: npm ci && npm run dev");
{
  const installed = await runShown(["npm", "ci"], {
    cwd: clone,
    env: cleanEnv(rootHome),
    timeoutMs: 8 * 60_000,
  });
  record("npm ci (empty npm cache)", installed.code === 0, installed.seconds, `exit ${installed.code}`);
  if (installed.code !== 0) summary();
}

{
  const port = await freePort();
  const started = Date.now();
  const dev = spawn("npm", ["run", "dev"], {
    cwd: clone,
    env: cleanEnv(rootHome, { PORT: String(port) }),
    stdio: ["ignore", "pipe", "inherit"],
    detached: true,
  });
  // Ready when dev.ts says so (after the seed), not at the first answer: dev.ts only stops wrangler
  // dev on SIGTERM once it is up, as after Ctrl-C in a terminal.
  let ready = false;
  dev.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (chunk.toString().includes("ATAS is running at")) ready = true;
  });
  let status = 0;
  while (Date.now() - started < 4 * 60_000 && dev.exitCode === null) {
    if (ready)
      status = await fetch(`http://127.0.0.1:${port}/`)
        .then((response) => response.status)
        .catch(() => 0);
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const seconds = (Date.now() - started) / 1000;
  // Like Ctrl-C in a terminal: the signal reaches npm, sh and dev.ts, which stops wrangler dev (its
  // own process group); wait for dev.ts to finish that before anything is forced.
  killGroup(dev, "SIGTERM");
  for (let i = 0; i < 60 && groupAlive(dev); i++) await new Promise((r) => setTimeout(r, 250));
  killGroup(dev, "SIGKILL");
  await new Promise((r) => setTimeout(r, 500));
  const stillAnswers = await fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );
  record(
    "npm run dev answers, then stops",
    status === 200 && !stillAnswers,
    seconds,
    `GET http://127.0.0.1:${port}/ -> ${status}; ${stillAnswers ? "still answers after SIGTERM" : "gone after SIGTERM"}`,
  );
}

say("README line 2, branch (b): npm test as nobody (not root, no sudo)");
{
  const blocked = await runShown(
    ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "npm", "test"],
    {
      cwd: clone,
      env: cleanEnv(nobodyHome),
      timeoutMs: 60_000,
    },
  );
  const command = manualInstallCommand(["chromium", "redis-server"], false);
  const stoppedEarly = !blocked.output.includes("── types");
  const passed =
    blocked.code !== 0 && blocked.output.includes(command) && stoppedEarly && blocked.seconds < 30;
  record(
    "npm test, cannot install: stops with command",
    passed,
    blocked.seconds,
    `exit ${blocked.code}; ${blocked.output.includes(command) ? "prints" : "does NOT print"} \`${command}\`; ${stoppedEarly ? "no suite started" : "a suite started"}`,
  );
}

say(`README line 2, branch (a): npm test as root${QUICK ? " -- --preflight-only" : ""}`);
{
  const e2ePort = await freePort(); // another run on this machine may hold the default 8790
  const tested = await runShown(["npm", "test", ...(QUICK ? ["--", "--preflight-only"] : [])], {
    cwd: clone,
    env: cleanEnv(rootHome, { E2E_PORT: String(e2ePort) }),
    timeoutMs: 20 * 60_000, // about 10 minutes on an idle machine; more when another suite shares the cores
  });
  const aptRan = /\$ \S*apt-get install .*chromium redis-server/.test(tested.output);
  const foundByDpkg = (tested.output.match(/\(from dpkg -L; not on PATH\)/g) ?? []).length === 2;
  const finished = QUICK
    ? tested.output.includes("preflight passed")
    : tested.output.includes("all checks passed");
  record(
    `npm test, installs${QUICK ? " (preflight only)" : ": every suite"}`,
    tested.code === 0 && aptRan && foundByDpkg && finished,
    tested.seconds,
    `exit ${tested.code}; apt-get ${aptRan ? "ran" : "did NOT run"}; both found ${foundByDpkg ? "through dpkg" : "NOT through dpkg"}; ${finished ? (QUICK ? "preflight passed" : "all checks passed") : "did not finish"}`,
  );
}

killLeftovers();
try {
  rmSync(base, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 });
} catch (error) {
  say(`could not remove ${base}: ${String(error)}`);
}
summary();
