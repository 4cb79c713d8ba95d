/**
 * Every bare import of the Worker (worker/src) and of the workerd tests, pre-bundled once for the
 * test runtimes (vitest.config.ts, `deps.optimizer.ssr`): each test file gets a fresh workerd,
 * which otherwise loads drizzle-orm, hono and zod as hundreds of small modules over the pool's
 * socket. test/scripts/workerd-dependencies.test.ts fails when an import is missing here.
 */
export const WORKERD_DEPENDENCIES = [
  "@hono/zod-openapi",
  "@upstash/ratelimit",
  "@upstash/redis/cloudflare",
  "drizzle-orm",
  "drizzle-orm/d1",
  "drizzle-orm/sqlite-core",
  "fast-check",
  "hono/body-limit",
  "hono/cookie",
  "hono/factory",
  "hono/http-exception",
  "hono/route",
  "hono/utils/cookie",
  "ical.js",
  "openai",
  "resend",
  "zod",
];

/**
 * Imported by the Worker but left to load module by module: esbuild's pre-bundling cannot resolve
 * their `node:` imports (the SDK's Node-only integrations), which workerd supplies at run time.
 */
export const NOT_PREBUNDLED = ["@sentry/cloudflare"];
