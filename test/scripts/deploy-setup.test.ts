import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { afterAll, describe, expect, it } from "vitest";
import {
  environment,
  main,
  parseQueueTable,
  parseR2List,
  plan,
  resourcesOf,
  UnknownBinding,
} from "../../scripts/deploy-setup.ts";
import { SECRETS } from "../../worker/src/env.ts";
import { QUEUE_BINDINGS } from "../../worker/src/ops/health.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TOML = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};
const config = () => parse(TOML) as Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), "atas-deploy-setup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const commandsOf = (toml: string) => plan(parse(toml), PACKAGE).commands.map((c) => c.command);

/** Every queue name the environment mentions, found by walking its queues table, whatever the key. */
function queueNamesIn(table: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object")
      for (const [key, inner] of Object.entries(value)) {
        if ((key === "queue" || key === "dead_letter_queue") && typeof inner === "string") names.add(inner);
        else walk(inner);
      }
  };
  walk(table);
  return names;
}

describe("every binding in wrangler.toml's production env has a setup step", () => {
  it("plans a create for the D1 database, the R2 bucket and every queue and dead-letter queue", () => {
    const production = environment(config(), "production");
    const commands = commandsOf(TOML);
    const queues = queueNamesIn(production.queues);
    expect(queues.size).toBe(8);
    for (const name of queues) expect(commands).toContain(`npx wrangler queues create ${name}`);
    for (const d1 of production.d1_databases as { database_name: string }[])
      expect(commands).toContain(`npx wrangler d1 create ${d1.database_name} --location apac`);
    for (const r2 of production.r2_buckets as { bucket_name: string }[])
      expect(commands).toContain(`npx wrangler r2 bucket create ${r2.bucket_name}`);
    // Each queue is created once, even though producers, consumers and dead letters name it again.
    expect(commands.filter((c) => c.includes("queues create"))).toHaveLength(queues.size);
    const notes = plan(config(), PACKAGE).notes.join("\n");
    expect(notes).toContain("Durable Object Inbox");
    expect(notes).toContain("Durable Object Room");
  });

  it("a queue added to wrangler.toml, and its dead-letter queue, are planned with no other change", () => {
    const extra = `${TOML}
[[env.production.queues.producers]]
binding = "EXTRA_QUEUE"
queue = "atas-extra"

[[env.production.queues.consumers]]
queue = "atas-extra"
dead_letter_queue = "atas-extra-dlq"
`;
    const commands = commandsOf(extra);
    expect(commands).toContain("npx wrangler queues create atas-extra");
    expect(commands).toContain("npx wrangler queues create atas-extra-dlq");
    expect(commandsOf(TOML)).not.toContain("npx wrangler queues create atas-extra");
  });

  it("plans KV namespaces, and says Analytics Engine datasets need nothing", () => {
    const more = `${TOML}
[[env.production.kv_namespaces]]
binding = "FLAGS"
id = "placeholder"

[[env.production.analytics_engine_datasets]]
binding = "METRICS"
dataset = "atas_metrics"
`;
    const p = plan(parse(more), PACKAGE);
    expect(p.commands.map((c) => c.command)).toContain(
      "npx wrangler kv namespace create FLAGS --env production",
    );
    expect(p.notes.join("\n")).toContain("Analytics Engine dataset atas_metrics");
  });

  it("refuses a binding kind it has no step for, naming it", () => {
    const unknown = `${TOML}
[[env.production.hyperdrive]]
binding = "PG"
id = "x"
`;
    expect(() => resourcesOf(parse(unknown))).toThrow(UnknownBinding);
    expect(() => resourcesOf(parse(unknown))).toThrow(/hyperdrive/);
    const unknownQueueKey = TOML.replace(
      "[env.production.triggers]",
      '[[env.production.queues.brokers]]\nname = "x"\n\n[env.production.triggers]',
    );
    expect(() => resourcesOf(parse(unknownQueueKey))).toThrow(/queues.brokers/);
  });

  it("refuses a Durable Object binding whose class no migration creates", () => {
    const orphan = `${TOML}
[[env.production.durable_objects.bindings]]
name = "LOBBY"
class_name = "Lobby"
`;
    expect(() => resourcesOf(parse(orphan))).toThrow(/Lobby/);
  });

  it("prints a secret command for each entry of the one list in worker/src/env.ts", () => {
    const commands = commandsOf(TOML);
    for (const name of Object.keys(SECRETS))
      expect(commands).toContain(`npx wrangler secret put ${name} --env production`);
  });
});

describe("wrangler.toml's production env restates every top-level binding", () => {
  /** Bindings are not inherited by environments: each kind must be restated, the same. */
  const KINDS = [
    "d1_databases",
    "r2_buckets",
    "kv_namespaces",
    "analytics_engine_datasets",
    "durable_objects",
    "queues",
  ];
  it("the same bindings, names and queue settings; the crons too", () => {
    const top = config();
    const production = environment(top, "production");
    const strip = (value: unknown) =>
      // The database id is the account's: production gets its own from `wrangler d1 create`.
      JSON.parse(JSON.stringify(value ?? null, (key, v) => (key === "database_id" ? undefined : v)));
    for (const kind of KINDS) expect(strip(production[kind]), kind).toEqual(strip(top[kind]));
    expect(production.triggers).toEqual(top.triggers);
    expect(production.observability).toEqual(top.observability);
  });

  it("the health check looks for every queue producer the Worker binds", () => {
    const producers = (environment(config(), "production").queues as { producers: { binding: string }[] })
      .producers;
    expect([...QUEUE_BINDINGS].sort()).toEqual(producers.map((p) => p.binding).sort());
  });

  it("no other binding kind appears at the top level", () => {
    // A kind the setup does not know would fail on the production copy; this names it at the source.
    const { env: _, ...top } = config();
    expect(resourcesOf({ env: { top } }, "top").length).toBeGreaterThan(0);
  });
});

describe("the order of a first deploy", () => {
  const commands = commandsOf(TOML);
  const index = (pattern: RegExp) => commands.findIndex((c) => pattern.test(c));
  const last = (pattern: RegExp) => commands.findLastIndex((c) => pattern.test(c));

  it("creates D1 before migrating it, and migrates before the new code is deployed", () => {
    expect(index(/d1 create/)).toBeGreaterThan(-1);
    expect(index(/d1 create/)).toBeLessThan(index(/d1 migrations apply DB --remote/));
    expect(index(/d1 migrations apply/)).toBeLessThan(index(/wrangler deploy/));
    // npm run deploy itself applies the migrations before wrangler deploy.
    const deploy = PACKAGE.scripts.deploy ?? "";
    expect(deploy.indexOf("d1 migrations apply DB --remote --env production")).toBeGreaterThan(-1);
    expect(deploy.indexOf("d1 migrations apply")).toBeLessThan(deploy.indexOf("wrangler deploy"));
  });

  it("creates every queue and sets the secrets before the deploy", () => {
    expect(last(/queues create/)).toBeLessThan(index(/wrangler deploy/));
    expect(last(/secret put/)).toBeLessThan(index(/wrangler deploy/));
    expect(index(/wrangler login/)).toBe(0);
  });

  it("prints the commands without a token, and runs nothing", () => {
    const calls = join(dir, "print-calls.log");
    const bin = fakeWrangler("print", { d1: [], r2: [], queues: [] }, calls);
    const { CLOUDFLARE_API_TOKEN: _, ...env } = process.env;
    const out = spawnSync(
      join(ROOT, "node_modules", ".bin", "node"),
      [join(ROOT, "scripts", "deploy-setup.ts")],
      { env: { ...env, PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8" },
    );
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain("CLOUDFLARE_API_TOKEN is not set");
    expect(out.stdout).toContain("npx wrangler queues create atas-fanout-dlq");
    expect(() => readFileSync(calls, "utf8")).toThrow();
  });
});

// -------------------------------------------------------------------------------------------------
// A fake `wrangler` on PATH: answers the list commands as wrangler prints them and records creates.

interface Account {
  d1: { uuid: string; name: string }[];
  r2: string[];
  queues: string[];
}

const FAKE = String.raw`#!/usr/bin/env node
const fs = require("node:fs");
const [state, calls] = [process.env.FAKE_WRANGLER_STATE, process.env.FAKE_WRANGLER_CALLS];
const args = process.argv.slice(2).filter((a, i, all) => a !== "--config" && all[i - 1] !== "--config");
fs.appendFileSync(calls, JSON.stringify(args) + "\n");
const account = JSON.parse(fs.readFileSync(state, "utf8"));
const save = () => fs.writeFileSync(state, JSON.stringify(account));
const banner = () => console.log(" ⛅️ wrangler 4.164.0\n───────────────────");
const [a, b, c] = args;
if (!process.env.CLOUDFLARE_API_TOKEN && !process.env.FAKE_WRANGLER_LOGGED_IN) { console.error("not logged in"); process.exit(1); }
if (a === "d1" && b === "list") { console.log(JSON.stringify(account.d1, null, 2)); }
else if (a === "d1" && b === "create") {
  banner(); account.d1.push({ uuid: "uuid-" + c, name: c, created_at: "2026-12-07" }); save();
  console.log("✅ Successfully created DB '" + c + "'");
}
else if (a === "r2" && b === "bucket" && c === "list") {
  banner(); console.log("Listing buckets...");
  console.log(account.r2.map((n) => "\x1b[37mname:\x1b[39m           \x1b[90m" + n + "\x1b[39m\n\x1b[37mcreation_date:\x1b[39m  \x1b[90m2026-12-07T00:00:00.000Z\x1b[39m").join("\n\n"));
}
else if (a === "r2" && b === "bucket" && c === "create") { banner(); account.r2.push(args[3]); save(); }
else if (a === "queues" && b === "list") {
  // Three a page, like a real account's pages (of more), so the caller must page.
  const page = Number(args[args.indexOf("--page") + 1] || 1);
  const rows = account.queues.slice((page - 1) * 3, page * 3);
  banner();
  if (rows.length === 0) { console.log(""); process.exit(0); }
  const cells = [["id", "name", "created_on", "producers", "consumers"], ...rows.map((n, i) => ["q" + i, n, "2026-12-07", "1", "1"])];
  const widths = cells[0].map((_, k) => Math.max(...cells.map((r) => r[k].length)) + 2);
  const line = (l, m, r) => l + widths.map((w) => "─".repeat(w)).join(m) + r;
  const row = (r) => "│" + r.map((v, k) => (" " + v).padEnd(widths[k])).join("│") + "│";
  console.log([line("┌", "┬", "┐"), row(cells[0]), line("├", "┼", "┤"), ...cells.slice(1).map(row), line("└", "┴", "┘")].join("\n"));
}
else if (a === "queues" && b === "create") { banner(); account.queues.push(c); save(); }
else { console.error("fake wrangler: unexpected " + args.join(" ")); process.exit(2); }
`;

function fakeWrangler(name: string, account: Account, callsFile: string): string {
  const bin = join(dir, name);
  rmSync(bin, { recursive: true, force: true });
  spawnSync("mkdir", ["-p", bin]);
  writeFileSync(join(bin, "wrangler"), FAKE);
  chmodSync(join(bin, "wrangler"), 0o755);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(account));
  process.env.FAKE_WRANGLER_STATE = join(dir, `${name}.json`);
  process.env.FAKE_WRANGLER_CALLS = callsFile;
  return bin;
}

describe("deploy:setup against an account (a fake wrangler)", () => {
  it("lists first, creates only what is missing, and a second run creates nothing", async () => {
    const calls = join(dir, "calls.log");
    const bin = fakeWrangler(
      "account",
      // The database and two queues exist already (spread over two list pages).
      {
        d1: [{ uuid: "uuid-existing", name: "atas" }],
        r2: [],
        queues: ["other-app", "x", "y", "atas-email"],
      },
      calls,
    );
    const tomlPath = join(dir, "wrangler.toml");
    writeFileSync(tomlPath, TOML);
    const env = {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      CLOUDFLARE_API_TOKEN: "test-token",
    };
    const run = async () => {
      const lines: string[] = [];
      writeFileSync(calls, "");
      await main(["--config", tomlPath], env, (line) => lines.push(line));
      const made = readFileSync(calls, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as string[])
        .filter((args) => args.includes("create"));
      return { out: lines.join("\n"), made: made.map((args) => args.join(" ")) };
    };

    const first = await run();
    expect(first.made.sort()).toEqual(
      [
        "r2 bucket create atas-uploads",
        ...["atas-ai", "atas-graph", "atas-fanout"].flatMap((q) => [`queues create ${q}`]),
        ...["atas-email", "atas-ai", "atas-graph", "atas-fanout"].map((q) => `queues create ${q}-dlq`),
      ].sort(),
    );
    expect(first.out).toContain("exists: D1 database atas (binding DB) uuid-existing");
    expect(first.out).toContain("exists: queue atas-email");
    expect(first.out).toContain('database_id = "uuid-existing"');
    const account = JSON.parse(readFileSync(join(dir, "account.json"), "utf8")) as Account;
    expect(account.queues).toHaveLength(4 + 7);

    const second = await run();
    expect(second.made).toEqual([]);
    expect(second.out).toContain("Created 0, already there 10.");
    for (const name of Object.keys(SECRETS)) expect(second.out).toContain(name);
    expect(second.out).toContain("APP_ORIGIN");
  });

  it("creates a missing database and prints the id to put in wrangler.toml", async () => {
    const calls = join(dir, "calls-new.log");
    const bin = fakeWrangler("fresh", { d1: [], r2: ["atas-uploads"], queues: [] }, calls);
    const lines: string[] = [];
    // A `wrangler login` user has no token in the environment: --run says to go ahead.
    const { CLOUDFLARE_API_TOKEN: _, ...env } = process.env;
    await main(
      ["--run"],
      { ...env, PATH: `${bin}:${process.env.PATH}`, FAKE_WRANGLER_LOGGED_IN: "1" },
      (line) => lines.push(line),
    );
    const out = lines.join("\n");
    expect(out).toContain("creating D1 database atas");
    expect(out).toContain('[[env.production.d1_databases]] binding "DB": database_id = "uuid-atas"');
    expect(out).toContain("exists: R2 bucket atas-uploads");
  });
});

describe("reading wrangler's list output", () => {
  it("reads queue names from the table's name column and bucket names from labelled values", () => {
    const table = [
      "┌────┬────────────┬────────────┐",
      "│ id │ name       │ created_on │",
      "├────┼────────────┼────────────┤",
      "│ 1  │ atas-email │ 2026       │",
      "│ 2  │ atas-ai    │ 2026       │",
      "└────┴────────────┴────────────┘",
    ].join("\n");
    expect(parseQueueTable(` ⛅️ wrangler 4\n${table}`)).toEqual(["atas-email", "atas-ai"]);
    expect(parseQueueTable("")).toEqual([]);
    expect(
      parseR2List("Listing buckets...\nname:   a\ncreation_date:  x\n\nname:   b-2\ncreation_date: y"),
    ).toEqual(["a", "b-2"]);
  });
});
