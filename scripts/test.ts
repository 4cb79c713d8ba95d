/**
 * `npm test`: types, lint, the layer rules (.dependency-cruiser.cjs), the Node-side tests, the
 * workerd integration tests, the browser tests and a deploy dry run, in that order; stops at the
 * first failure. When Debian's redis-server is installed, a throwaway Redis backs the Upstash twin
 * so the cache and limiter run on real Redis.
 */
import { QUIET_WRANGLER_ENV, ROOT, run, startThrowawayRedis } from "./platform.ts";

const steps: [string, string, string[]][] = [
  ["types", "react-router", ["typegen"]],
  ["types", "tsc", ["--noEmit", "-p", "."]],
  ["lint", "biome", ["check", "."]],
  ["layers", "depcruise", ["--config", ".dependency-cruiser.cjs", "--output-type", "err-long", "worker/src"]],
  ["build", "react-router", ["build"]],
  ["node tests", "vitest", ["run", "-c", "vitest.node.config.ts"]],
  ["workerd tests", "vitest", ["run"]],
  ["browser tests", "vitest", ["run", "-c", "vitest.e2e.config.ts"]],
  ["deploy dry run", "node", ["scripts/deploy-check.ts"]],
];

const redis = await startThrowawayRedis();
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
