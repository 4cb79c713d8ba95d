import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cruise } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The layer rules (.dependency-cruiser.cjs) against a small tree written for the purpose: each
 * import that breaks a rule is reported under that rule's name, and the allowed ones are not.
 */
const { forbidden } = createRequire(import.meta.url)("../../.dependency-cruiser.cjs") as {
  forbidden: { name: string }[];
};
const root = mkdtempSync(join(tmpdir(), "atas-layers-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(files: Record<string, string>) {
  const dir = mkdtempSync(join(root, "tree-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function broken(files: Record<string, string>): Promise<string[]> {
  const baseDir = tree(files);
  const result = await cruise(
    ["worker/src"],
    {
      baseDir,
      validate: true,
      ruleSet: { forbidden } as never,
      tsPreCompilationDeps: false,
      outputType: "json",
    },
    { extensions: [".ts"] },
  );
  const output = JSON.parse(result.output as string) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

const domain = (name: string, extra: Record<string, string> = {}) => ({
  [`worker/src/${name}/index.ts`]: `export { verb } from "./services/verb";\n`,
  [`worker/src/${name}/services/verb.ts`]: "export const verb = () => 1;\n",
  [`worker/src/${name}/schema.ts`]: "export const table = {};\n",
  ...extra,
});

describe("layer rules", () => {
  it("a domain may use a lower domain's index and any domain's tables", async () => {
    expect(
      await broken({
        ...domain("identity"),
        ...domain("pro"),
        ...domain("link"),
        "worker/src/pro/services/use.ts": [
          `import { verb } from "../../identity";`,
          `import { table } from "../../link/schema";`,
          "export const used = [verb, table];",
        ].join("\n"),
      }),
    ).toEqual([]);
  });

  it("an import up the layers fails with the rule that names the layer", async () => {
    expect(
      await broken({
        ...domain("identity"),
        ...domain("pro"),
        "worker/src/identity/services/up.ts": `import { verb } from "../../pro";\nexport const up = verb;\n`,
      }),
    ).toEqual(["layer-identity: worker/src/identity/services/up.ts -> worker/src/pro/index.ts"]);
  });

  it("a deep import into another domain fails; shared and adapters know no domain", async () => {
    expect(
      await broken({
        ...domain("identity"),
        ...domain("pro"),
        "worker/src/pro/services/deep.ts": `import { verb } from "../../identity/services/verb";\nexport const deep = verb;\n`,
        "worker/src/shared/leak.ts": `import { table } from "../identity/schema";\nexport const leak = table;\n`,
      }),
    ).toEqual([
      "domain-public-entry: worker/src/pro/services/deep.ts -> worker/src/identity/services/verb.ts",
      "layer-shared: worker/src/shared/leak.ts -> worker/src/identity/schema.ts",
    ]);
  });

  it("the base layers point one way too: adapters know no shared, no jobs", async () => {
    expect(
      await broken({
        "worker/src/jobs/schema.ts": "export const table = {};\n",
        "worker/src/adapters/outbox.ts": `import { table } from "../jobs/schema";\nexport const outbox = table;\n`,
      }),
    ).toEqual(["layer-adapters: worker/src/adapters/outbox.ts -> worker/src/jobs/schema.ts"]);
  });

  it("a schema file imports tables only", async () => {
    expect(
      await broken({
        ...domain("identity"),
        ...domain("pro"),
        "worker/src/pro/schema.ts": `import { verb } from "../identity";\nexport const table = verb;\n`,
      }),
    ).toEqual(["schema-imports-schema: worker/src/pro/schema.ts -> worker/src/identity/index.ts"]);
  });
});
