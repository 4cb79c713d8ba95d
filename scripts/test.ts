/**
 * `npm test`: first the system programs the tests need (scripts/system-programs.ts: Debian's
 * chromium and redis-server, installed with apt-get when missing and this user may, else a stop at
 * once with the command to run); then types, lint, the layer rules (.dependency-cruiser.cjs), the
 * Node-side tests, the workerd integration tests, the browser tests and a deploy dry run, in that
 * order, with a throwaway Redis behind the Upstash twin; stops at the first failure.
 *
 * `npm test -- --preflight-only` stops after the first part (scripts/fresh-machine.ts's quick check).
 */
import { QUIET_WRANGLER_ENV, ROOT, run, startThrowawayRedis } from "./platform.ts";
import { ensureSystemPrograms, MissingSystemPrograms } from "./system-programs.ts";

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
  await redis.stop();
}
