/**
 * `npm test`: types, lint, the Node-side tests, the workerd integration tests, the browser tests
 * and a deploy dry run, in that order; stops at the first failure. When Debian's redis-server is
 * installed, a throwaway Redis backs the Upstash twin so the cache and limiter run on real Redis.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QUIET_WRANGLER_ENV, ROOT, run } from "./platform.ts";

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

async function startRedis(): Promise<{ url: string; stop(): void } | null> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return null;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "atas-redis-"));
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
    {
      stdio: "ignore",
    },
  );
  for (let i = 0; i < 50; i++) {
    if (
      spawnSync("redis-cli", ["-p", String(port), "ping"])
        .stdout?.toString()
        .includes("PONG")
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const steps: [string, string, string[]][] = [
  ["types", "react-router", ["typegen"]],
  ["types", "tsc", ["--noEmit", "-p", "."]],
  ["lint", "biome", ["check", "."]],
  ["build", "react-router", ["build"]],
  ["node tests", "vitest", ["run", "-c", "vitest.node.config.ts"]],
  ["workerd tests", "vitest", ["run"]],
  ["browser tests", "vitest", ["run", "-c", "vitest.e2e.config.ts"]],
  ["deploy dry run", "node", ["scripts/deploy-check.ts"]],
];

const redis = await startRedis();
console.log(
  redis
    ? `real Redis for the Upstash twin at ${redis.url}`
    : "redis-server not installed: the Upstash twin runs in memory",
);
const env = { ...QUIET_WRANGLER_ENV, ...(redis ? { REDIS_URL: redis.url } : {}) };
const started = Date.now();
try {
  for (const [name, command, args] of steps) {
    console.log(`\n── ${name}: ${command} ${args.join(" ")}`);
    await run(command, args, env);
  }
  console.log(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(0)} s (${ROOT})`);
} catch (error) {
  console.error(`\n${String(error)}`);
  process.exitCode = 1;
} finally {
  redis?.stop();
}
