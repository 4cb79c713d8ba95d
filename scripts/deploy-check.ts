/**
 * `wrangler deploy --dry-run` for production: bundles the worker as it would be uploaded and
 * prints its sizes against Workers' limits (3 MiB gzipped on the free plan, 10 MiB on paid).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { run } from "./platform.ts";

const FREE_LIMIT = 3 * 1024 * 1024;
const outdir = mkdtempSync(join(tmpdir(), "atas-bundle-"));
try {
  await run("wrangler", ["deploy", "--dry-run", "--env", "production", "--outdir", outdir]);
  let raw = 0;
  let gzip = 0;
  for (const file of readdirSync(outdir)) {
    const path = join(outdir, file);
    if (!statSync(path).isFile() || !/\.(m?js|wasm)$/.test(file)) continue;
    const bytes = readFileSync(path);
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
    console.log(`  ${file.padEnd(28)} ${(bytes.length / 1024).toFixed(1).padStart(9)} KiB`);
  }
  console.log(
    `worker bundle: ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzipped (limit ${FREE_LIMIT / 1024 / 1024} MiB gzipped on the free plan)`,
  );
  if (gzip > FREE_LIMIT) {
    console.error("the bundle is over the free plan's limit");
    process.exitCode = 1;
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
