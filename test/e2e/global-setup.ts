import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ROOT, startPlatform } from "../../scripts/platform.ts";

declare module "vitest" {
  interface ProvidedContext {
    baseUrl: string;
  }
}

/** A fresh platform (own state directory, own port) for the browser tests. */
export default async function setup(project: TestProject) {
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
