/**
 * `npm run deploy:setup`: creates, once, every Cloudflare resource the production Worker binds, read
 * from wrangler.toml itself so the two cannot drift: the D1 database, the R2 bucket, every queue a
 * producer or consumer names and every dead-letter queue (and KV namespaces when there are any).
 * Idempotent: it lists what the account has first, creates only what is missing and says what
 * exists. Then it prints what to put where (the D1 database_id, the secrets, the vars) and the
 * commands that finish the deploy, in order.
 *
 * `--print` (and, automatically, a shell without CLOUDFLARE_API_TOKEN unless `--run` says that
 * `wrangler login` was used) prints every command in order without running any. `--config <file>` reads another wrangler.toml; `--env <name>` another
 * environment (default production).
 *
 * A binding kind this script does not know stops it with an error naming the key, so a new binding
 * in wrangler.toml cannot be forgotten here (test/scripts/deploy-setup.test.ts).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stripVTControlCharacters as stripAnsi } from "node:util";
import { parse } from "smol-toml";
import { SECRETS } from "../worker/src/env.ts";

const ROOT = new URL("..", import.meta.url).pathname;

type Table = Record<string, unknown>;

export type Resource =
  | { kind: "d1"; binding: string; name: string; id: string | undefined }
  | { kind: "r2"; binding: string; name: string }
  | { kind: "queue"; name: string; usedBy: string }
  | { kind: "kv"; binding: string; id: string | undefined }
  | { kind: "analytics"; binding: string; dataset: string }
  | { kind: "durable-object"; binding: string; className: string };

/** Keys of an environment that configure the Worker but bind no resource to create. */
const NO_RESOURCE = new Set([
  "name",
  "main",
  "routes",
  "route",
  "vars",
  "triggers",
  "observability",
  "workers_dev",
  "preview_urls",
  "compatibility_date",
  "compatibility_flags",
  "limits",
  "placement",
  "upload_source_maps",
  "minify",
  "define",
  "logpush",
  "assets",
  "alias",
  "migrations",
  "build",
  "rules",
  "no_bundle",
  "find_additional_modules",
  "base_dir",
  "keep_vars",
  "keep_names",
]);

/** Binding kinds with a setup step (or a reason none is needed) below. */
const BINDING_KINDS = new Set([
  "d1_databases",
  "r2_buckets",
  "queues",
  "kv_namespaces",
  "analytics_engine_datasets",
  "durable_objects",
]);

export class UnknownBinding extends Error {}

function tables(value: unknown, where: string): Table[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UnknownBinding(`${where} should be an array of tables`);
  return value as Table[];
}

function text(table: Table, key: string, where: string): string {
  const value = table[key];
  if (typeof value !== "string" || value === "")
    throw new UnknownBinding(`${where} needs a ${key} (a non-empty string)`);
  return value;
}

/** The environment's table: `[env.<name>]`; its bindings are not inherited from the top level. */
export function environment(config: Table, env: string): Table {
  const envs = (config.env ?? {}) as Table;
  const table = envs[env];
  if (!table || typeof table !== "object") throw new UnknownBinding(`wrangler.toml has no [env.${env}]`);
  return table as Table;
}

/** Every resource the environment binds, in wrangler.toml's order; unknown binding kinds are refused. */
export function resourcesOf(config: Table, env = "production"): Resource[] {
  const table = environment(config, env);
  const at = (key: string) => `[env.${env}] ${key}`;
  for (const key of Object.keys(table)) {
    if (!NO_RESOURCE.has(key) && !BINDING_KINDS.has(key))
      throw new UnknownBinding(
        `${at(key)}: deploy:setup does not know how to create this binding; add a step for it in scripts/deploy-setup.ts`,
      );
  }
  const out: Resource[] = [];
  for (const d1 of tables(table.d1_databases, at("d1_databases"))) {
    const id = typeof d1.database_id === "string" ? d1.database_id : undefined;
    out.push({
      kind: "d1",
      binding: text(d1, "binding", at("d1_databases")),
      name: text(d1, "database_name", at("d1_databases")),
      id,
    });
  }
  for (const r2 of tables(table.r2_buckets, at("r2_buckets")))
    out.push({
      kind: "r2",
      binding: text(r2, "binding", at("r2_buckets")),
      name: text(r2, "bucket_name", at("r2_buckets")),
    });
  for (const kv of tables(table.kv_namespaces, at("kv_namespaces")))
    out.push({
      kind: "kv",
      binding: text(kv, "binding", at("kv_namespaces")),
      id: typeof kv.id === "string" ? kv.id : undefined,
    });
  const queues = (table.queues ?? {}) as Table;
  for (const key of Object.keys(queues))
    if (key !== "producers" && key !== "consumers")
      throw new UnknownBinding(`${at(`queues.${key}`)}: deploy:setup knows producers and consumers only`);
  const seen = new Set<string>();
  const queue = (name: string, usedBy: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ kind: "queue", name, usedBy });
  };
  for (const producer of tables(queues.producers, at("queues.producers")))
    queue(
      text(producer, "queue", at("queues.producers")),
      `producer ${text(producer, "binding", at("queues.producers"))}`,
    );
  for (const consumer of tables(queues.consumers, at("queues.consumers"))) {
    const name = text(consumer, "queue", at("queues.consumers"));
    queue(name, "consumer");
    if (consumer.dead_letter_queue !== undefined)
      queue(text(consumer, "dead_letter_queue", at("queues.consumers")), `dead letters of ${name}`);
  }
  for (const dataset of tables(table.analytics_engine_datasets, at("analytics_engine_datasets"))) {
    const binding = text(dataset, "binding", at("analytics_engine_datasets"));
    out.push({
      kind: "analytics",
      binding,
      dataset: typeof dataset.dataset === "string" ? dataset.dataset : binding,
    });
  }
  const objects = (table.durable_objects ?? {}) as Table;
  for (const key of Object.keys(objects))
    if (key !== "bindings")
      throw new UnknownBinding(`${at(`durable_objects.${key}`)}: deploy:setup knows bindings only`);
  // Durable Object classes are created by `wrangler deploy` from [[migrations]] (inherited by
  // environments): a binding whose class no migration creates would fail that deploy.
  const migrated = new Set(
    tables(table.migrations ?? config.migrations, "migrations").flatMap((m) => [
      ...((m.new_sqlite_classes as string[] | undefined) ?? []),
      ...((m.new_classes as string[] | undefined) ?? []),
      ...((m.renamed_classes as { to: string }[] | undefined) ?? []).map((r) => r.to),
    ]),
  );
  for (const object of tables(objects.bindings, at("durable_objects.bindings"))) {
    const className = text(object, "class_name", at("durable_objects.bindings"));
    const binding = text(object, "name", at("durable_objects.bindings"));
    if (object.script_name === undefined && !migrated.has(className))
      throw new UnknownBinding(
        `${at("durable_objects.bindings")} ${binding}: no [[migrations]] entry creates class ${className}`,
      );
    out.push({ kind: "durable-object", binding, className });
  }
  return out;
}

/** The command that creates a resource, or null when `wrangler deploy` (or first use) makes it. */
export function createCommand(resource: Resource, env: string): string[] | null {
  switch (resource.kind) {
    case "d1":
      // The primary (every write) near most users, the Malaysian campuses: docs/scale.md, "Where the primary lives".
      return ["d1", "create", resource.name, "--location", "apac"];
    case "r2":
      return ["r2", "bucket", "create", resource.name];
    case "queue":
      return ["queues", "create", resource.name];
    case "kv":
      return ["kv", "namespace", "create", resource.binding, "--env", env];
    case "analytics":
    case "durable-object":
      return null;
  }
}

function describe(resource: Resource): string {
  switch (resource.kind) {
    case "d1":
      return `D1 database ${resource.name} (binding ${resource.binding})`;
    case "r2":
      return `R2 bucket ${resource.name} (binding ${resource.binding})`;
    case "queue":
      return `queue ${resource.name} (${resource.usedBy})`;
    case "kv":
      return `KV namespace for binding ${resource.binding}`;
    case "analytics":
      return `Analytics Engine dataset ${resource.dataset} (binding ${resource.binding}): created on its first write`;
    case "durable-object":
      return `Durable Object ${resource.className} (binding ${resource.binding}): created by wrangler deploy from [[migrations]]`;
  }
}

/** The deploy command's steps, as package.json runs them (`npm run deploy`). */
export function deploySteps(packageJson: { scripts?: Record<string, string> }): string[] {
  const deploy = packageJson.scripts?.deploy;
  if (!deploy) throw new Error("package.json has no deploy script");
  return deploy.split("&&").map((step) => step.trim());
}

export interface PlannedCommand {
  /** A shell command, or (edit) what to write where by hand. */
  command: string;
  why: string;
  edit?: true;
}

/** Everything a first deploy does, in order: create resources, fill in ids and vars, secrets, migrate, deploy. */
export function plan(config: Table, packageJson: { scripts?: Record<string, string> }, env = "production") {
  const resources = resourcesOf(config, env);
  const vars = varsToSet(config, env);
  const deploy = deploySteps(packageJson);
  const commands: PlannedCommand[] = [
    { command: "npx wrangler login", why: "or export CLOUDFLARE_API_TOKEN" },
  ];
  for (const resource of resources) {
    const create = createCommand(resource, env);
    if (create) commands.push({ command: `npx wrangler ${create.join(" ")}`, why: describe(resource) });
  }
  for (const resource of resources) {
    if (resource.kind === "d1")
      commands.push({
        edit: true,
        command: `database_id of ${resource.name} → wrangler.toml [[env.${env}.d1_databases]] binding ${resource.binding}`,
        why: "printed by wrangler d1 create (or wrangler d1 list)",
      });
    if (resource.kind === "kv")
      commands.push({
        edit: true,
        command: `id → wrangler.toml [[env.${env}.kv_namespaces]] binding ${resource.binding}`,
        why: "printed by wrangler kv namespace create",
      });
  }
  for (const line of vars)
    commands.push({ edit: true, command: `[env.${env}.vars] ${line}`, why: "wrangler.toml" });
  for (const [name, why] of Object.entries(SECRETS))
    commands.push({ command: `npx wrangler secret put ${name} --env ${env}`, why });
  for (const [i, step] of deploy.entries())
    commands.push({ command: `npx ${step}`, why: `npm run deploy, step ${i + 1} of ${deploy.length}` });
  return { resources, commands, notes: resourceNotes(resources), vars, deploy };
}

function resourceNotes(resources: Resource[]): string[] {
  return resources.filter((r) => createCommand(r, "") === null).map(describe);
}

/** Production vars still holding a placeholder, or missing where the worker refuses to serve without them. */
export function varsToSet(config: Table, env = "production"): string[] {
  const vars = (environment(config, env).vars ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  if (!vars.APP_ORIGIN)
    out.push(`APP_ORIGIN: the site's bare https origin (production answers 503 until it is set)`);
  for (const [name, value] of Object.entries(vars))
    if (typeof value === "string" && /replace-with/i.test(value)) out.push(`${name}: still "${value}"`);
  return out;
}

// ------------------------------------------------------------------------------------------------
// Running against an account: list, then create what is missing.

/** Runs wrangler with these arguments and returns its stdout; throws with its stderr on failure. */
export type Wrangler = (args: string[]) => Promise<string>;

export function spawnWrangler(env: NodeJS.ProcessEnv = process.env): Wrangler {
  // node_modules/.bin goes last, so a wrangler earlier on PATH (npm run puts this one first) wins.
  const path = `${env.PATH ?? ""}:${join(ROOT, "node_modules", ".bin")}`;
  return (args) =>
    new Promise((resolveRun, reject) => {
      const child = spawn("wrangler", args, {
        cwd: ROOT,
        env: {
          ...env,
          PATH: path,
          WRANGLER_SEND_METRICS: "false",
          NO_UPDATE_NOTIFIER: "1",
          FORCE_COLOR: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0
          ? resolveRun(out)
          : reject(new Error(`wrangler ${args.join(" ")} exited with ${code}\n${err}${out}`)),
      );
    });
}

/** `wrangler d1 list --json`: an array of {uuid, name, …}. */
export function parseD1List(stdout: string): { uuid: string; name: string }[] {
  const start = stdout.indexOf("[");
  if (start < 0) throw new Error(`unexpected output from wrangler d1 list --json:\n${stdout}`);
  return JSON.parse(stdout.slice(start)) as { uuid: string; name: string }[];
}

/** `wrangler r2 bucket list`: blocks of `name: …` and `creation_date: …` lines. */
export function parseR2List(stdout: string): string[] {
  return [...stripAnsi(stdout).matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1] as string);
}

/** `wrangler queues list`: a box table whose header row names the columns (id, name, …). */
export function parseQueueTable(stdout: string): string[] {
  const rows = stripAnsi(stdout)
    .split("\n")
    .filter((line) => line.trim().startsWith("│"))
    .map((line) =>
      line
        .trim()
        .split("│")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const [head, ...body] = rows;
  if (!head) return [];
  const column = head.indexOf("name");
  if (column < 0) throw new Error(`wrangler queues list printed no name column:\n${stdout}`);
  return body.map((row) => row[column] ?? "").filter(Boolean);
}

/** `wrangler kv namespace list`: JSON [{id, title}]. */
function parseKvList(stdout: string): { id: string; title: string }[] {
  const start = stdout.indexOf("[");
  return start < 0 ? [] : (JSON.parse(stdout.slice(start)) as { id: string; title: string }[]);
}

/** Queues come a page at a time; a page with no rows is the end. */
async function listQueues(wrangler: Wrangler): Promise<Set<string>> {
  const names = new Set<string>();
  for (let page = 1; page <= 100; page++) {
    const rows = parseQueueTable(await wrangler(["queues", "list", "--page", String(page)]));
    const before = names.size;
    for (const name of rows) names.add(name);
    if (rows.length === 0 || names.size === before) break;
  }
  return names;
}

export interface SetupResult {
  created: string[];
  existing: string[];
  /** What to write where by hand: the D1 database_id, KV ids. */
  toPut: string[];
}

/** Lists what the account has and creates what the environment binds but the account lacks. */
export async function createMissing(
  resources: Resource[],
  wrangler: Wrangler,
  env: string,
  log: (line: string) => void,
): Promise<SetupResult> {
  const result: SetupResult = { created: [], existing: [], toPut: [] };
  const kinds = new Set(resources.map((r) => r.kind));
  let databases = kinds.has("d1") ? parseD1List(await wrangler(["d1", "list", "--json"])) : [];
  const buckets = new Set(kinds.has("r2") ? parseR2List(await wrangler(["r2", "bucket", "list"])) : []);
  const queues = kinds.has("queue") ? await listQueues(wrangler) : new Set<string>();
  let namespaces = kinds.has("kv") ? parseKvList(await wrangler(["kv", "namespace", "list"])) : [];

  const create = async (resource: Resource) => {
    const args = createCommand(resource, env);
    if (!args) return;
    log(`creating ${describe(resource)}: wrangler ${args.join(" ")}`);
    await wrangler(args);
    result.created.push(describe(resource));
  };
  const exists = (resource: Resource, extra = "") => {
    log(`exists: ${describe(resource)}${extra}`);
    result.existing.push(describe(resource));
  };

  for (const resource of resources) {
    switch (resource.kind) {
      case "d1": {
        let found = databases.find((db) => db.name === resource.name);
        if (found) exists(resource, ` ${found.uuid}`);
        else {
          await create(resource);
          databases = parseD1List(await wrangler(["d1", "list", "--json"]));
          found = databases.find((db) => db.name === resource.name);
        }
        if (found && found.uuid !== resource.id)
          result.toPut.push(
            `wrangler.toml [[env.${env}.d1_databases]] binding "${resource.binding}": database_id = "${found.uuid}"`,
          );
        break;
      }
      case "r2":
        if (buckets.has(resource.name)) exists(resource);
        else await create(resource);
        break;
      case "queue":
        if (queues.has(resource.name)) exists(resource);
        else await create(resource);
        break;
      case "kv": {
        const found = namespaces.find((ns) => ns.id === resource.id);
        if (found) exists(resource, ` ${found.id}`);
        else {
          const before = new Set(namespaces.map((ns) => ns.id));
          await create(resource);
          namespaces = parseKvList(await wrangler(["kv", "namespace", "list"]));
          const made = namespaces.find((ns) => !before.has(ns.id));
          if (made)
            result.toPut.push(
              `wrangler.toml [[env.${env}.kv_namespaces]] binding "${resource.binding}": id = "${made.id}"`,
            );
        }
        break;
      }
      case "analytics":
      case "durable-object":
        log(`nothing to create: ${describe(resource)}`);
        break;
    }
  }
  return result;
}

// ------------------------------------------------------------------------------------------------

function printPlan(p: ReturnType<typeof plan>, log: (line: string) => void) {
  log("# A first deploy, in order (lines starting with # are edits to make by hand):");
  for (const { command, why, edit } of p.commands)
    log(edit ? `# ${command} (${why})` : `${command.padEnd(64)} # ${why}`);
  for (const note of p.notes) log(`# nothing to create: ${note}`);
}

function printNext(
  p: ReturnType<typeof plan>,
  result: SetupResult,
  env: string,
  log: (line: string) => void,
) {
  log("");
  log(`Created ${result.created.length}, already there ${result.existing.length}.`);
  if (result.toPut.length > 0) {
    log("Put these in wrangler.toml:");
    for (const line of result.toPut) log(`  ${line}`);
  }
  log(`Secrets (wrangler secret put NAME --env ${env}; never in wrangler.toml):`);
  for (const [name, why] of Object.entries(SECRETS)) log(`  ${name.padEnd(26)} ${why}`);
  if (p.vars.length > 0) {
    log(`Set in [env.${env}.vars]:`);
    for (const line of p.vars) log(`  ${line}`);
  }
  log(`Then: npm run deploy   # ${p.deploy.join(" → ")}`);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, log = console.log) {
  const option = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const configPath = resolve(option("--config") ?? join(ROOT, "wrangler.toml"));
  const target = option("--env") ?? "production";
  const config = parse(readFileSync(configPath, "utf8")) as Table;
  const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const p = plan(config, packageJson, target);
  // Without a token, wrangler may still hold an OAuth login (`wrangler login`): --run says so.
  if (argv.includes("--print") || (!env.CLOUDFLARE_API_TOKEN && !argv.includes("--run"))) {
    if (!argv.includes("--print"))
      log(
        "# CLOUDFLARE_API_TOKEN is not set: printing the commands instead of running them" +
          " (after `wrangler login`, `npm run deploy:setup -- --run` runs them).\n",
      );
    printPlan(p, log);
    return;
  }
  const configArgs = option("--config") ? ["--config", configPath] : [];
  const wrangler = spawnWrangler(env);
  const result = await createMissing(p.resources, (args) => wrangler([...args, ...configArgs]), target, log);
  printNext(p, result, target, log);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
