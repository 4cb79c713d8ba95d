import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ROOT, startPlatform } from "../../scripts/platform.ts";

declare module "vitest" {
  interface ProvidedContext {
    baseUrl: string;
  }
}

/**
 * A fresh platform (own state directory, own port) for the browser tests. `npm test` starts it
 * beside the workerd tests and passes its address as E2E_BASE_URL (and stops it itself).
 */
export default async function setup(project: TestProject) {
  const started = process.env.E2E_BASE_URL;
  if (started) {
    project.provide("baseUrl", started);
    return;
  }
  const port = Number(process.env.E2E_PORT ?? 8790);
  const platform = await startPlatform({
    port,
    persistTo: join(ROOT, ".wrangler", `e2e-state-${port}`),
    fresh: true,
    log: () => {},
  });
  project.provide("baseUrl", platform.url);
  return () => platform.stop();
}
