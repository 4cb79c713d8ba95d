import { defineConfig } from "vitest/config";

/**
 * Node-side tests: dev scripts (such as the Upstash twin) and pure unit tests (`*.unit.test.ts`: rule
 * tables, ranking, calendar text, i18n), which need no Worker runtime; the rest run in workerd.
 */
export default defineConfig({
  test: {
    include: ["test/scripts/**/*.test.ts", "test/**/*.unit.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
