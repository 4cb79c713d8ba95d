/**
 * The worker's layers, checked in `npm test` (`npm run check:layers`). Read from the bottom up:
 * a folder may import folders on its own line or below it, never above, so folders cannot form a
 * cycle. One domain a line: two on one line could import each other. Type-only imports are erased
 * at build time and are not checked.
 *
 * Two kinds of file are public:
 *  - `<domain>/index.ts` names the verbs, routes and types other domains may use;
 *  - `<domain>/schema.ts` (and `*-schema.ts`) are tables. The tables are one database's shape: any
 *    domain may read another's table (a join, a foreign key), in any direction, and schema files
 *    import only other schema files. A domain writes another's table only inside a batch that
 *    must land whole (a block deleting follows, a news row beside the write it reports).
 */
const BASE_LAYERS = [["env.ts", "db", "telemetry"], ["adapters"], ["shared"], ["jobs"]];
const LAYERS = [
  ...BASE_LAYERS,
  ["realtime"],
  ["notifications"],
  ["profiles"],
  ["identity"],
  ["network"],
  ["clubs"],
  ["rooms"],
  ["pro"],
  ["drafts"],
  ["link"],
  ["blocks"],
  ["me"],
  ["dev", "ops", "app.ts", "worker.ts", "wiring.ts", "queues.ts", "schedule.ts", "index.ts", "tables.ts"],
];

const SRC = "^worker/src/";
const name = (entry) => (entry.endsWith(".ts") ? `${entry.replace(".", "[.]")}$` : `${entry}/`);
const SCHEMA = "(^|/)[a-z-]*schema[.]ts$";
const above = (level) => LAYERS.slice(level + 1).flat();
const DOMAINS = LAYERS.slice(BASE_LAYERS.length, -1).flat();

const forbidden = [
  {
    name: "no-circular",
    comment: "Modules must not import each other in a circle.",
    severity: "error",
    from: { path: SRC },
    to: { circular: true, dependencyTypesNot: ["type-only"] },
  },
  ...LAYERS.slice(0, -1).map((entries, level) => {
    const base = level < BASE_LAYERS.length;
    return {
      name: `layer-${entries.join("-").replace(/[.]ts/g, "")}`,
      comment: base
        ? `${entries.join(", ")} know no domain, not even its tables, and nothing above: ${above(level).join(", ")}.`
        : `${entries.join(", ")} may not import a folder above it: ${above(level).join(", ")}.`,
      severity: "error",
      from: { path: `${SRC}(${entries.map(name).join("|")})` },
      to: {
        path: `${SRC}(${above(level).map(name).join("|")})`,
        ...(base ? {} : { pathNot: SCHEMA }),
        dependencyTypesNot: ["type-only"],
      },
    };
  }),
  {
    name: "schema-imports-schema",
    comment: "A schema file holds tables: it imports other tables and the base layer, no domain's verbs.",
    severity: "error",
    from: { path: `${SRC}.*${SCHEMA}` },
    to: {
      path: `${SRC}(${DOMAINS.map(name).join("|")})`,
      pathNot: SCHEMA,
      dependencyTypesNot: ["type-only"],
    },
  },
  {
    name: "domain-public-entry",
    comment:
      "Another domain is reached through its index.ts (verbs) or its schema files (tables), never a deep path.",
    severity: "error",
    from: { path: `${SRC}(${DOMAINS.join("|")})/` },
    to: {
      path: `${SRC}(${DOMAINS.join("|")})/`,
      pathNot: [`${SRC}$1/`, `${SRC}[^/]+/index[.]ts$`, SCHEMA],
      dependencyTypesNot: ["type-only"],
    },
  },
];

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
