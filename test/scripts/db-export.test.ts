import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportArgs, exportableTables, exportFileName } from "../../scripts/db-export.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin");
const dir = mkdtempSync(join(tmpdir(), "atas-db-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run db:export", () => {
  it("names the dump by the UTC day and asks wrangler for the local or the production database", () => {
    expect(exportFileName("atas", new Date("2026-12-07T23:59:00Z"))).toBe("atas-2026-12-07.sql");
    expect(exportArgs({ remote: false, output: "/x.sql", tables: ["a", "b"] })).toEqual([
      "d1",
      "export",
      "DB",
      "--local",
      "--output",
      "/x.sql",
      "--table",
      "a",
      "--table",
      "b",
    ]);
    const remote = exportArgs({ remote: true, output: "/x.sql" });
    expect(remote).toContain("--remote");
    expect(remote.join(" ")).toContain("--env production");
  });

  it("leaves out the FTS5 tables D1 cannot export, and their shadow tables", () => {
    const tables = [
      { name: "notes", sql: "CREATE TABLE notes (id)" },
      { name: "note_search", sql: "CREATE VIRTUAL TABLE `note_search` USING fts5(title)" },
      {
        name: "note_search_data",
        sql: "CREATE TABLE 'note_search_data'(id INTEGER PRIMARY KEY, block BLOB)",
      },
      { name: "note_search_config", sql: "CREATE TABLE 'note_search_config'(k PRIMARY KEY, v)" },
      { name: "sqlite_sequence", sql: "CREATE TABLE sqlite_sequence(name,seq)" },
      { name: "_cf_KV", sql: "CREATE TABLE _cf_KV (key)" },
      { name: "d1_migrations", sql: "CREATE TABLE d1_migrations (id)" },
    ];
    expect(exportableTables(tables)).toEqual(["notes", "d1_migrations"]);
  });

  it("dumps a local database with the migrations applied into exports/atas-YYYY-MM-DD.sql", () => {
    // A wrangler.toml in a temp folder keeps its local state (.wrangler/state) there, not in the repo's.
    copyFileSync(join(ROOT, "wrangler.toml"), join(dir, "wrangler.toml"));
    symlinkSync(join(ROOT, "migrations"), join(dir, "migrations"));
    const env = {
      ...process.env,
      PATH: `${BIN}:${process.env.PATH}`,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      CI: "true",
    };
    // Every migration in one run (one runtime start instead of one per file, as `migrations apply` does).
    const all = join(dir, "all-migrations.sql");
    writeFileSync(
      all,
      readdirSync(join(ROOT, "migrations"))
        .filter((f) => f.endsWith(".sql"))
        .sort()
        .map((f) => readFileSync(join(ROOT, "migrations", f), "utf8"))
        .join("\n"),
    );
    execFileSync(
      join(BIN, "wrangler"),
      ["d1", "execute", "DB", "--local", "--file", all, "--yes", "--config", join(dir, "wrangler.toml")],
      { env, stdio: "pipe" },
    );
    const out = execFileSync(
      join(BIN, "node"),
      [
        join(ROOT, "scripts", "db-export.ts"),
        "--config",
        join(dir, "wrangler.toml"),
        "--out-dir",
        join(dir, "exports"),
      ],
      { env, encoding: "utf8" },
    );
    const file = out.match(/wrote (\S+)/)?.[1] ?? "";
    expect(file).toMatch(/exports\/atas-\d{4}-\d{2}-\d{2}\.sql$/);
    const sql = readFileSync(file, "utf8");
    expect(sql).toMatch(/CREATE TABLE (IF NOT EXISTS )?[`"]?users[`"]?/i);
    expect((sql.match(/CREATE TABLE/gi) ?? []).length).toBeGreaterThan(20);
    expect(sql).not.toMatch(/CREATE VIRTUAL TABLE/i);
    expect(sql).toMatch(/INSERT INTO [`"]?campuses[`"]?/i);
  }, 120_000);
});
