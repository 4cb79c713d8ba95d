import { globSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOT_PREBUNDLED, WORKERD_DEPENDENCIES } from "../support/workerd-dependencies";

const ROOT = join(import.meta.dirname, "..", "..");
/** Provided by the runtime, the pool or the test config rather than by a package of ours. */
const NOT_PACKAGES = /^(\.|node:|cloudflare:|vitest$|atas-web-build$)/;

/** Value imports (not `import type`) of a source file: static, re-exports and dynamic. */
function bareImports(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*import\s+(?!type\s)(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm,
    /^\s*export\s+(?!type\s)[^"';]*?\s+from\s+["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const match of text.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found.filter((specifier) => !NOT_PACKAGES.test(specifier));
}

/** What runs inside workerd: the Worker, and the tests vitest.config.ts runs with their helpers. */
function workerdSources(): string[] {
  const worker = globSync("worker/src/**/*.{ts,tsx}", { cwd: ROOT });
  const tests = globSync("test/**/*.ts", { cwd: ROOT }).filter(
    (file) =>
      !file.startsWith("test/e2e/") &&
      !file.startsWith("test/scripts/") &&
      // Fixtures carry their own config and run on their own (test/fixtures/console-hang).
      !file.startsWith("test/fixtures/") &&
      !file.endsWith(".unit.test.ts") &&
      // Node-side helpers (the fake servers and the global setup) run beside workerd, not in it.
      !/from "node:/.test(readFileSync(join(ROOT, file), "utf8")),
  );
  return [...worker, ...tests];
}

describe("the packages pre-bundled for the workerd tests (vitest.config.ts)", () => {
  const sources = workerdSources();
  const imported = new Map<string, string>();
  for (const file of sources)
    for (const specifier of bareImports(readFileSync(join(ROOT, file), "utf8")))
      if (!imported.has(specifier)) imported.set(specifier, file);

  it("reads the Worker and the workerd tests", () => {
    expect(sources.filter((f) => f.startsWith("worker/src/")).length).toBeGreaterThan(50);
    expect(sources.filter((f) => f.endsWith(".test.ts")).length).toBeGreaterThan(30);
    expect(bareImports('import { a } from "x";\nimport type { B } from "y";\nawait import("z");')).toEqual([
      "x",
      "z",
    ]);
  });

  it("lists every package the Worker or a workerd test imports (one left out loads module by module, and its classes twice)", () => {
    const missing = [...imported].filter(
      ([specifier]) => !WORKERD_DEPENDENCIES.includes(specifier) && !NOT_PREBUNDLED.includes(specifier),
    );
    expect(missing.map(([specifier, file]) => `${specifier} (${file})`)).toEqual([]);
  });

  it("lists nothing that is no longer imported", () => {
    expect(WORKERD_DEPENDENCIES.filter((specifier) => !imported.has(specifier))).toEqual([]);
  });
});
