/**
 * Starts the whole platform locally: the Upstash twin, D1 migrations, and `wrangler dev` (real
 * workerd with local D1, Durable Objects, Queues, R2 and the cron trigger), then seeds demo data.
 * Used by `npm run dev`, the browser tests and the benchmarks.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findProgram, REDIS_SERVER } from "./system-programs.ts";
import { MAX_DATABASE, startUpstashTwin, type UpstashTwin } from "./upstash-twin.ts";

export const ROOT = new URL("..", import.meta.url).pathname;
const BIN = join(ROOT, "node_modules", ".bin");

/** Child tools run on the project's Node 22 (the `node` devDependency), whatever started this script. */
const PATH_WITH_BIN = `${BIN}:${process.env.PATH ?? ""}`;

export const QUIET_WRANGLER_ENV = {
  PATH: PATH_WITH_BIN,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_LOG_SANITIZE: "true",
  NO_UPDATE_NOTIFIER: "1",
};

export interface PlatformOptions {
  port?: number;
  /** Where local D1/DO/R2/queue state lives; a fresh directory gives a clean platform. */
  persistTo?: string;
  fresh?: boolean;
  seed?: boolean;
  /** Extra `--var NAME:VALUE` overrides for the worker. */
  vars?: Record<string, string>;
  log?: (line: string) => void;
  /** Each line wrangler dev prints (the worker's console among them), when output is not inherited. */
  onOutput?: (line: string) => void;
  inheritOutput?: boolean;
  /** How long wrangler dev may take to answer (default 90 s); longer when started beside a busy suite. */
  upTimeoutMs?: number;
}

export interface Platform {
  url: string;
  upstash: UpstashTwin;
  stop(): Promise<void>;
}

export function run(command: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, command), args, {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, ...QUIET_WRANGLER_ENV, ...env },
    });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`)),
    );
  });
}

async function waitUntilUp(url: string, child: ChildProcess, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/openapi.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the platform did not answer at ${url} within ${timeoutMs} ms`);
}

export async function buildWeb() {
  await run("react-router", ["build"]);
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const port = options.port ?? 8787;
  const persistTo = options.persistTo ?? join(ROOT, ".wrangler", "state");
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.fresh && existsSync(persistTo)) rmSync(persistTo, { recursive: true, force: true });
  if (!existsSync(join(ROOT, "web", "build", "server", "index.js"))) await buildWeb();

  const upstash = await startUpstashTwin({ port: 0 });
  log(
    `upstash twin at ${upstash.url} (${upstash.mode === "redis" ? "backed by the local Redis" : "in memory"})`,
  );
  await run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);

  const url = `http://127.0.0.1:${port}`;
  const vars = {
    UPSTASH_REDIS_REST_URL: upstash.url,
    UPSTASH_REDIS_REST_TOKEN: upstash.token,
    APP_ORIGIN: url,
    ...options.vars,
  };
  const args = [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistTo,
    "--test-scheduled",
    "--show-interactive-dev-session=false",
  ];
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child = spawn(join(BIN, "wrangler"), args, {
    cwd: ROOT,
    stdio: options.inheritOutput ? "inherit" : ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...QUIET_WRANGLER_ENV },
    detached: true,
  });
  if (!options.inheritOutput) {
    let tail = "";
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-8000);
      if (options.onOutput) for (const line of chunk.toString().split("\n")) if (line) options.onOutput(line);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("exit", (code) => {
      if (code) log(`wrangler dev exited with ${code}:\n${tail}`);
    });
  }
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((r) => child.once("exit", r));
    }
    await upstash.close();
  };
  try {
    await waitUntilUp(url, child, options.upTimeoutMs);
    if (options.seed ?? true) {
      const seeded = await fetch(`${url}/dev/seed`, {
        method: "POST",
        headers: { origin: url, "x-atas-csrf": "1" },
      });
      if (!seeded.ok) throw new Error(`seeding failed: ${seeded.status} ${await seeded.text()}`);
      log(`seeded: ${JSON.stringify(((await seeded.json()) as { accounts: unknown }).accounts)}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, upstash, stop };
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

/** Whether a Redis answers PING on 127.0.0.1:port (no redis-cli needed: one RESP exchange). */
export function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => done(chunk.toString().startsWith("+PONG")));
  });
}

/**
 * A private redis-server on a free port, found as everywhere (scripts/system-programs.ts); null when
 * there is none (the benchmarks then run the twin in memory; `npm test` has installed one first).
 */
export async function startThrowawayRedis(): Promise<{ url: string; stop(): Promise<void> } | null> {
  const redisServer = findProgram(REDIS_SERVER);
  if (!redisServer) return null;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "atas-redis-"));
  const child: ChildProcess = spawn(
    redisServer,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--databases",
      String(MAX_DATABASE + 1),
    ],
    { stdio: "ignore" },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill();
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100 && !(await redisAnswers(port)); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await redisAnswers(port))) {
    await stop();
    throw new Error(`${redisServer} did not answer PING on port ${port}`);
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}
