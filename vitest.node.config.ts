import { defineConfig } from "vitest/config";

/** Node-side tests (dev scripts such as the Upstash twin); the worker tests run in workerd instead. */
export default defineConfig({
  test: {
    include: ["test/scripts/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
