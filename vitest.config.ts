import { availableParallelism } from "node:os";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { MAX_DATABASE } from "./scripts/upstash-twin.ts";
import { WORKERD_DEPENDENCIES } from "./test/support/workerd-dependencies.ts";

/**
 * The store each test file's runtime gets behind the Upstash twin (`/db/<n>`: its own Redis database).
 * Files run side by side and some keys are global (discover's candidate sets, trending): shared, one
 * file's feeds run rebuilt them from its own D1 under another file that was reading them.
 */
let storeNumber = 0;

/** Integration tests: they run inside workerd with real D1 (migrations applied), DOs, queues and R2. */
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    plugins: [
      // Called once per test file (each starts its own runtime), so each gets a store of its own.
      cloudflareTest(({ inject }) => ({
        main: "./test/support/entry.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            APP_ENV: "test",
            TEST_MIGRATIONS: migrations,
            UPSTASH_REDIS_REST_URL: `${inject<string>("upstashUrl")}/db/${(storeNumber++ % MAX_DATABASE) + 1}`,
            UPSTASH_REDIS_REST_TOKEN: inject<string>("upstashToken"),
            FAKE_RESEND_URL: inject<string>("resendUrl"),
            FAKE_OPENAI_URL: inject<string>("openaiUrl"),
            FAKE_NEO4J_URL: inject<string>("neo4jUrl"),
            FAKE_SENTRY_URL: inject<string>("sentryUrl"),
            // The local drafter streams as fast as the tests can watch it (its default pace is for people).
            LOCAL_DRAFTER_PACE_MS: "4",
          },
        },
      })),
    ],
    resolve: { alias: { "atas-web-build": "./test/support/no-web-build.ts" } },
    test: {
      globalSetup: ["./test/support/global-setup.ts"],
      // Sign-ups hash passwords (PBKDF2, 100k iterations) and the files run side by side on shared
      // cores: a test that takes 2 s alone can take 6 s under load. Speed is measured in bench/.
      testTimeout: 20_000,
      // Vitest's default is one file at a time on a 2-core machine (cores − 1), but these files
      // spend most of their time waiting on workerd (queues, timers, sockets): three at once halves
      // the suite's wall time there (355 s → 169 s measured) with every test still passing.
      maxWorkers: Math.max(3, availableParallelism() - 1),
      setupFiles: ["./test/support/apply-migrations.ts"],
      // The "never-ending run" (every file passed, no summary, vitest waits forever): vitest relays
      // each console call to the main process as an RPC and awaits them all before it ends a file;
      // the pool cannot send a log made in another I/O context (a queue consumer, waitUntil, a
      // Durable Object), parks it until its next message, and after a file's last message there is
      // none (cloudflare/workers-sdk#15719, #15565). Logs go straight to workerd's output instead
      // (printed by the pool, without the test's name), so no call is left to wait on.
      disableConsoleIntercept: true,
      // Each file gets a fresh workerd runtime, which loads the Worker's whole module graph again, one
      // module at a time over the pool's socket. The packages, pre-bundled once by esbuild (in
      // node_modules/.vite), make a file's import about 40 % shorter (docs/operations.md, "CI"). One
      // optimizer run holds every entry, so a class (HTTPException, drizzle's entities) exists once.
      deps: { optimizer: { ssr: { enabled: true, include: [...WORKERD_DEPENDENCIES] } } },
      include: ["test/**/*.test.ts"],
      // Pure unit tests run in Node (vitest.node.config.ts): a workerd process per file costs seconds.
      exclude: ["test/e2e/**", "test/scripts/**", "test/**/*.unit.test.ts"],
    },
  };
});
