/**
 * `npm run db:export [-- --remote]`: a dated SQL dump of the D1 database, schema and data, in
 * exports/atas-YYYY-MM-DD.sql (gitignored). Without --remote it reads the local database that
 * `npm run dev` uses (.wrangler/state beside wrangler.toml); with --remote, production's (take one
 * before a risky migration: D1 Time Travel restores the whole database to a minute, a dump lets you
 * read or replay part of it). `--config <file>` reads another wrangler.toml (and so its local
 * state), `--out-dir <dir>` writes elsewhere.
 *
 * D1's export refuses a database with virtual tables, and the full-text search indexes are FTS5
 * tables: the dump names every other table and leaves those out, with their shadow tables. They
 * hold nothing that is not elsewhere (triggers fill them from notes, users and profiles), so a
 * restore recreates them from their migrations (docs/operations.md, "Deploy").
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/** The dump's file name for a day (UTC): atas-2026-12-07.sql. */
export function exportFileName(database: string, now: Date): string {
  return `${database}-${now.toISOString().slice(0, 10)}.sql`;
}

interface Target {
  remote: boolean;
  config?: string;
}

const where = (target: Target) => [
  target.remote ? "--remote" : "--local",
  ...(target.remote ? ["--env", "production"] : []),
  ...(target.config ? ["--config", target.config] : []),
];

/** `wrangler d1 execute` listing the tables, as JSON. */
export function listTablesArgs(target: Target): string[] {
  return [
    "d1",
    "execute",
    "DB",
    ...where(target),
    "--json",
    "--command",
    "SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name",
  ];
}

/** The tables D1 can export: all but virtual tables (FTS5) and their shadow tables. */
export function exportableTables(tables: { name: string; sql: string | null }[]): string[] {
  const virtual = tables.filter((t) => t.sql?.startsWith("CREATE VIRTUAL TABLE")).map((t) => t.name);
  return tables
    .map((t) => t.name)
    .filter(
      (name) =>
        !virtual.some((v) => name === v || name.startsWith(`${v}_`)) &&
        !name.startsWith("sqlite_") &&
        !name.startsWith("_cf_"),
    );
}

export function exportArgs(target: Target & { output: string; tables?: string[] }): string[] {
  return [
    "d1",
    "export",
    "DB",
    ...where(target),
    ...(target.remote ? ["--skip-confirmation"] : []),
    "--output",
    target.output,
    ...(target.tables ?? []).flatMap((table) => ["--table", table]),
  ];
}

function wrangler(args: string[], capture: boolean): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", "wrangler"), args, {
      cwd: ROOT,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
      env: {
        ...process.env,
        PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
        WRANGLER_SEND_METRICS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
      },
    });
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on("error", fail);
    child.on("exit", (code) =>
      code === 0 ? done(out) : fail(new Error(`wrangler ${args.join(" ")} exited with ${code}\n${out}`)),
    );
  });
}

export async function exportDatabase(argv: string[], now = new Date()): Promise<string> {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const remote = argv.includes("--remote");
  const outDir = resolve(option("--out-dir") ?? join(ROOT, "exports"));
  const config = option("--config");
  mkdirSync(outDir, { recursive: true });
  const output = join(outDir, exportFileName("atas", now));
  const target: Target = { remote, ...(config ? { config: resolve(config) } : {}) };
  const listed = await wrangler(listTablesArgs(target), true);
  const [first] = JSON.parse(listed.slice(listed.indexOf("["))) as {
    results: { name: string; sql: string | null }[];
  }[];
  const tables = exportableTables(first?.results ?? []);
  if (tables.length === 0) throw new Error("the database has no tables: apply the migrations first");
  await wrangler(exportArgs({ ...target, output, tables }), false);
  return output;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  exportDatabase(process.argv.slice(2)).then(
    (file) => console.log(`wrote ${file}`),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
