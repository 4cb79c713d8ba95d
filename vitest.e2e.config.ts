import { defineConfig } from "vitest/config";

/** Browser tests: Debian's Chromium driven by playwright-core against the platform under wrangler dev. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    globalSetup: ["./test/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
