/**
 * Experts in your second-degree network at scale: 10,000 users with about 50 connections each
 * (20 % experts, clustered like campuses), seeded by SQL straight into the local D1 file, then
 * `GET /api/network/experts?limit=20` sent straight to the workerd that runs the worker (not through
 * `wrangler dev`'s proxy) through three paths in turn, each on its own platform start:
 *  - D1's candidate set (the default): `second_degree_experts`, kept by triggers (migrations/0034),
 *    read as one indexed range, not cached;
 *  - today's D1 two-hop query (the reference, `SECOND_DEGREE_READ=two-hop`), cached per user in the
 *    Upstash twin as before; its edge changes are measured with the set's triggers dropped, as
 *    before migration 0034;
 *  - the Neo4j adapter against the Query API stand-in (test/support/fake-neo4j.ts), which runs the
 *    adapter's Cypher on an embedded Kùzu database in this Node process: an embedded engine's
 *    figure, not Aura's latency. The stand-in is filled by the admin resync, which is timed.
 * Each person is asked once cold (no cache entry), one at a time or 20 at a time, then again and
 * again (warm: a cache hit where there is a cache). Prints p50/p95, the D1 rows read per cold request
 * against the degree² bound (`x-atas-measure: d1` on a third group of people, untimed), the cost of
 * an edge change (a connection accepted, then removed, through the API: ms, and D1 rows written and
 * read with `x-atas-measure`), and whether all paths gave every person the same answer.
 *
 * `QUICK=1` (2,000 users, fewer people; about two minutes) for development. `SCALE=1` runs the
 * candidate set and the two-hop query at 10,000 and at 100,000 users × 50 and prints how the read and
 * the edge change grow (the Neo4j path is skipped there: its resync of 2.5M edges would take an hour).
 * At 100,000 the candidate set is backfilled only for the people measured (the whole set would be
 * ~50M rows, several GB, more than this machine's spare disk and time); the triggers keep what
 * exists, so the edge-change cost is the real one and the reads are of complete rows.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ROOT, run, startPlatform } from "../scripts/platform.ts";
import { innerRuntime, stillRunning } from "../scripts/workerd-process.ts";
import { startFakeNeo4j } from "../test/support/fake-neo4j.ts";
import { hashPassword } from "../worker/src/shared/crypto.ts";
import { benchId, prng } from "./seed-sql.ts";
import { inParallel, logIn, percentile } from "./support.ts";

const QUICK = process.env.QUICK === "1";
const SCALE = process.env.SCALE === "1";
const DEGREE = Number(process.env.DEGREE ?? 50);
const EXPERT_SHARE = 0.2;
/** People per group; three groups are measured (one at a time, concurrent, metered). */
const MEASURED = QUICK ? 15 : 40;
const WARM_REQUESTS = QUICK ? 100 : 400;
const CONCURRENCY = 20;
/** Edge changes per leg: connections made then removed, half timed, half metered. */
const EDGE_PAIRS = QUICK ? 6 : 20;
const PASSWORD = "bench passphrase 2026";
const PORT = 8810;
const MIGRATION = join(ROOT, "migrations", "0034_second_degree_experts.sql");

const uuid = (n: number) => benchId(4, n);
const isExpert = (i: number) => i % Math.round(1 / EXPERT_SHARE) === 0;
const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** The set's triggers and backfill, as migration 0034 writes them. */
const migration = readFileSync(MIGRATION, "utf8").split("--> statement-breakpoint");
const triggers = migration.filter((s) => s.includes("CREATE TRIGGER"));
const triggerNames = triggers.map((s) => /CREATE TRIGGER `([^`]+)`/.exec(s)?.[1] ?? "");
const backfill = migration.find((s) => s.includes("INSERT INTO `second_degree_experts`")) ?? "";

function d1File(state: string): string {
  const dir = join(state, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  if (!file) throw new Error(`no D1 database under ${dir}`);
  return join(dir, file);
}

/** With the platform stopped: drops the set's triggers (the design before migration 0034), or puts them back. */
function setTriggers(state: string, on: boolean) {
  const db = new DatabaseSync(d1File(state));
  // workerd may still be closing the file after wrangler has exited.
  db.exec("PRAGMA busy_timeout = 60000");
  for (const name of triggerNames) db.exec(`DROP TRIGGER IF EXISTS \`${name}\``);
  if (on) for (const statement of triggers) db.exec(statement);
  db.close();
}

/**
 * Users, vetted expert profiles, each user connected to about DEGREE others, half within 500 ids
 * (clustered, like campuses), half anywhere, written by SQL into the D1 file with the set's triggers
 * off; then migration 0034's own backfill (for everyone, or only for `backfillFor` at 100K), then
 * the triggers back on. Returns the seconds it took.
 */
async function seed(state: string, users: number, backfillFor: number[] | null): Promise<number> {
  const started = performance.now();
  rmSync(state, { recursive: true, force: true });
  await run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
  const hash = await hashPassword(PASSWORD);
  const { rand } = prng(7);
  const now = Date.now();
  const db = new DatabaseSync(d1File(state));
  for (const name of triggerNames) db.exec(`DROP TRIGGER IF EXISTS \`${name}\``);
  db.exec("BEGIN");
  const user = db.prepare(
    "INSERT INTO users (id, email, password_hash, display_name, role, campus_id, email_verified_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
  );
  const profile = db.prepare(
    "INSERT INTO expert_profiles (user_id, headline, industry, topics, campus_ties, verification, updated_at) VALUES (?, 'Engineer', 'Fintech', '[\"payments\"]', ?, 'verified', ?)",
  );
  const edge = db.prepare(
    "INSERT OR IGNORE INTO connections (user_id, peer_id, source, created_at) VALUES (?, ?, 'connection', ?)",
  );
  for (let i = 0; i < users; i++) {
    const role = isExpert(i) ? "expert" : "student";
    user.run(
      uuid(i),
      `net${i}@bench.atas.dev`,
      hash,
      `Person ${i}`,
      role,
      i % 3 === 0 ? "um" : null,
      now,
      now,
      now,
    );
    if (role === "expert") profile.run(uuid(i), i % 2 ? '["um"]' : "[]", now);
  }
  user.run(uuid(users), "admin@bench.atas.dev", hash, "Bench admin", "admin", null, now, now, now);
  for (let i = 0; i < users; i++) {
    for (let k = 0; k < DEGREE / 2; k++) {
      const j = k % 2 ? Math.floor(rand() * users) : (i + 1 + Math.floor(rand() * 500)) % users;
      if (j === i) continue;
      edge.run(uuid(i), uuid(j), now);
      edge.run(uuid(j), uuid(i), now);
    }
  }
  db.exec("COMMIT");
  if (backfillFor === null) db.exec(backfill);
  else {
    const only = backfill.replace(
      "WHERE t.role = 'expert'",
      `WHERE e1.user_id IN (${backfillFor.map((i) => `'${uuid(i)}'`).join(",")}) AND t.role = 'expert'`,
    );
    if (only === backfill) throw new Error("migration 0034's backfill changed: update the 100K seed");
    db.exec(only);
  }
  for (const statement of triggers) db.exec(statement);
  db.exec("ANALYZE");
  db.close();
  return (performance.now() - started) / 1000;
}

/** Rows in the set and bytes its table takes, from the D1 file (platform stopped). */
function setSize(state: string): { rows: number; users: number; bytes: number } {
  const db = new DatabaseSync(d1File(state), { readOnly: true });
  const count = db
    .prepare("SELECT count(*) AS rows, count(DISTINCT user_id) AS users FROM second_degree_experts")
    .get() as { rows: number; users: number };
  let bytes = Number.NaN;
  try {
    const row = db
      .prepare("SELECT sum(pgsize) AS bytes FROM dbstat WHERE name = 'second_degree_experts'")
      .get() as {
      bytes: number;
    };
    bytes = row.bytes;
  } catch {
    // dbstat is not compiled into every SQLite.
  }
  db.close();
  return { rows: count.rows, users: count.users, bytes };
}

/** What one person's answer says, for comparing the paths: experts in order, mutual counts, via ids. */
type Answer = { id: string; mutuals: number; via: string[] }[];

interface EdgeCost {
  connectMs: number[];
  disconnectMs: number[];
  connectWritten: number[];
  disconnectWritten: number[];
  connectRead: number[];
  disconnectRead: number[];
}

interface Leg {
  cold: number[];
  coldConcurrent: number[];
  reads: number[];
  roundTrips: number[];
  returned: number[];
  degrees: number[];
  warm: number[];
  /** `GET /api/connections` right after each one-at-a-time read: a signed-in request's floor here. */
  floor: number[];
  answers: Map<number, Answer>;
  edges: EdgeCost;
}

/**
 * One platform start on the seeded state: signs the measured people in, times
 * `/api/network/experts` cold and warm, then makes and removes `EDGE_PAIRS` connections through the
 * API. `vars` select the second-degree path; `before` runs first (the Neo4j resync).
 */
async function measure(
  label: string,
  state: string,
  people: number[],
  vars: Record<string, string>,
  before?: (direct: string, origin: string) => Promise<void>,
): Promise<Leg> {
  const platform = await startPlatform({
    port: PORT,
    persistTo: state,
    seed: false,
    vars,
    log: (line: string) => {
      if (/error/i.test(line)) console.error(line);
    },
  });
  try {
    const runtime = await innerRuntime(PORT, async (base) => (await fetch(`${base}/openapi.json`)).ok);
    const direct = `http://127.0.0.1:${runtime.port}`;
    // Requests to the inner port still carry the public origin, as the proxy would send them.
    const origin = { origin: platform.url };
    await before?.(direct, platform.url);
    const login = (i: number) =>
      logIn(
        direct,
        `net${i}@bench.atas.dev`,
        PASSWORD,
        `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        platform.url,
      );
    // Ten at a time: the limiters' store (the twin) answers every login, and PBKDF2 is CPU-bound.
    const cookies: string[] = [];
    await inParallel(people.length, 10, async (k) => {
      cookies[k] = await login(people[k] ?? 0);
    });
    const leg: Leg = {
      cold: [],
      coldConcurrent: [],
      reads: [],
      roundTrips: [],
      returned: [],
      degrees: [],
      warm: [],
      floor: [],
      answers: new Map(),
      edges: {
        connectMs: [],
        disconnectMs: [],
        connectWritten: [],
        disconnectWritten: [],
        connectRead: [],
        disconnectRead: [],
      },
    };
    const experts = (cookie: string, extra: Record<string, string> = {}) =>
      fetch(`${direct}/api/network/experts?limit=20`, { headers: { ...origin, cookie, ...extra } });
    // The same warm-up on every path: the runtime's code, not the measured people's data (person 2
    // is measured by no group).
    const warmUp = await login(2);
    for (let n = 0; n < 10; n++) await (await experts(warmUp)).arrayBuffer();

    const record = async (k: number, timed: number[] | null, metered: boolean) => {
      const cookie = cookies[k] ?? "";
      const started = performance.now();
      const response = await experts(cookie, metered ? { "x-atas-measure": "d1" } : {});
      if (!response.ok)
        throw new Error(`${label}: network experts ${response.status} ${await response.text()}`);
      const body = (await response.json()) as {
        experts: { id: string; mutuals: number; via: { userId: string }[] }[];
      };
      timed?.push(performance.now() - started);
      if (metered) {
        leg.reads.push(Number(response.headers.get("x-d1-rows-read")));
        leg.roundTrips.push(Number(response.headers.get("x-d1-round-trips")));
      }
      leg.returned.push(body.experts.length);
      leg.answers.set(
        people[k] ?? -1,
        body.experts.map((e) => ({ id: e.id, mutuals: e.mutuals, via: e.via.map((v) => v.userId) })),
      );
      const floorStarted = performance.now();
      const mine = await fetch(`${direct}/api/connections`, { headers: { ...origin, cookie } });
      if (timed === leg.cold) leg.floor.push(performance.now() - floorStarted);
      leg.degrees.push(((await mine.json()) as { connections: unknown[] }).connections.length);
    };
    // Every person is asked once (a cache miss) in one of three groups: one at a time, 20 at a
    // time, and metered (measurement mode re-reads each statement for its meta, so it is not timed).
    const group = (g: number) => people.flatMap((_, k) => (k % 3 === g ? [k] : []));
    for (const k of group(0)) await record(k, leg.cold, false);
    const concurrent = group(1);
    await inParallel(concurrent.length, CONCURRENCY, (n) =>
      record(concurrent[n] ?? 0, leg.coldConcurrent, false),
    );
    for (const k of group(2)) await record(k, null, true);
    // Warm: the same people again and again (from the cache where the path has one).
    await inParallel(WARM_REQUESTS, CONCURRENCY, async (k) => {
      const cookie = cookies[k % cookies.length] ?? "";
      const started = performance.now();
      await (await experts(cookie)).arrayBuffer();
      leg.warm.push(performance.now() - started);
    });

    // Edge changes, one at a time: person k asks person k + half (far apart in the id space, so not
    // yet connected); the answer is a request back, which connects them; then k removes the connection.
    const half = Math.floor(people.length / 2);
    const send = (k: number, path: string, method: string, metered: boolean, json?: unknown) =>
      fetch(`${direct}${path}`, {
        method,
        headers: {
          ...origin,
          cookie: cookies[k] ?? "",
          "x-atas-csrf": "1",
          ...(json ? { "content-type": "application/json" } : {}),
          ...(metered ? { "x-atas-measure": "d1" } : {}),
        },
        body: json ? JSON.stringify(json) : undefined,
      });
    for (let n = 0; n < Math.min(EDGE_PAIRS, half); n++) {
      const [a, b] = [n, n + half];
      const metered = n % 2 === 1;
      const asked = await send(a, "/api/connections/requests", "POST", false, {
        toUserId: uuid(people[b] ?? 0),
      });
      if (asked.status !== 201) throw new Error(`${label}: ask ${asked.status} ${await asked.text()}`);
      let started = performance.now();
      const accepted = await send(b, "/api/connections/requests", "POST", metered, {
        toUserId: uuid(people[a] ?? 0),
      });
      const connectMs = performance.now() - started;
      if (((await accepted.json()) as { status?: string }).status !== "accepted")
        throw new Error(`${label}: the request back did not connect (${accepted.status})`);
      started = performance.now();
      const removed = await send(a, `/api/connections/${uuid(people[b] ?? 0)}`, "DELETE", metered);
      const disconnectMs = performance.now() - started;
      if (removed.status !== 204)
        throw new Error(`${label}: remove ${removed.status} ${await removed.text()}`);
      if (metered) {
        leg.edges.connectWritten.push(Number(accepted.headers.get("x-d1-rows-written")));
        leg.edges.connectRead.push(Number(accepted.headers.get("x-d1-rows-read")));
        leg.edges.disconnectWritten.push(Number(removed.headers.get("x-d1-rows-written")));
        leg.edges.disconnectRead.push(Number(removed.headers.get("x-d1-rows-read")));
      } else {
        leg.edges.connectMs.push(connectMs);
        leg.edges.disconnectMs.push(disconnectMs);
      }
    }
    stillRunning(runtime);
    return leg;
  } finally {
    await platform.stop();
  }
}

const STAND_IN_AUTH = { user: "neo4j", password: "bench-standin-password" };

/** The same answers? Counts people whose expert list, mutual counts, via lists or order differ. */
function differences(a: Map<number, Answer>, b: Map<number, Answer>): number {
  let differ = 0;
  for (const [person, answer] of a) if (JSON.stringify(answer) !== JSON.stringify(b.get(person))) differ += 1;
  return differ;
}

const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;

function legLines(label: string, leg: Leg, warmLabel: string): string[] {
  const row = (what: string, xs: number[]) =>
    `  ${what.padEnd(34)} n=${String(xs.length).padStart(3)}  p50 ${ms(percentile(xs, 50))}  p95 ${ms(percentile(xs, 95))}`;
  const bound = mean(leg.degrees.map((d) => d * d));
  const e = leg.edges;
  return [
    label,
    row("cold, one at a time", leg.cold),
    row(`cold, ${CONCURRENCY} concurrent`, leg.coldConcurrent),
    row(`${warmLabel}, ${CONCURRENCY} concurrent`, leg.warm),
    row("floor: GET /api/connections, one at a time", leg.floor),
    `  cold p95 at ${CONCURRENCY} concurrent / its p50: ${(percentile(leg.coldConcurrent, 95) / percentile(leg.coldConcurrent, 50)).toFixed(2)}x`,
    `  D1 rows read per cold request: mean ${mean(leg.reads).toFixed(0)}, max ${Math.max(...leg.reads)}; round trips ${mean(leg.roundTrips).toFixed(1)}; degree mean ${mean(leg.degrees).toFixed(1)}, degree² bound mean ${bound.toFixed(0)} -> read/bound ${(mean(leg.reads) / bound).toFixed(2)}; experts returned mean ${mean(leg.returned).toFixed(1)}`,
    ...(e.connectMs.length
      ? [
          `  connect (a request back, accepted): p50 ${ms(percentile(e.connectMs, 50))}  p95 ${ms(percentile(e.connectMs, 95))}; D1 rows written mean ${mean(e.connectWritten).toFixed(0)}, read ${mean(e.connectRead).toFixed(0)}`,
          `  disconnect (DELETE /api/connections): p50 ${ms(percentile(e.disconnectMs, 50))}  p95 ${ms(percentile(e.disconnectMs, 95))}; D1 rows written mean ${mean(e.disconnectWritten).toFixed(0)}, read ${mean(e.disconnectRead).toFixed(0)}`,
        ]
      : []),
  ];
}

/** Students spread over the id space: 3 groups of MEASURED (one at a time, concurrent, metered). */
const measuredPeople = (users: number) =>
  Array.from({ length: 3 * MEASURED }, (_, k) => 1 + k * Math.floor(users / (3 * MEASURED))).map((i) =>
    isExpert(i) ? i + 1 : i,
  );

/** The candidate set, then the two-hop query with the triggers off (as before 0034), then the triggers back. */
async function setAndTwoHop(state: string, people: number[]) {
  const set = await measure("candidate set", state, people, {});
  setTriggers(state, false);
  try {
    const twoHop = await measure("two-hop", state, people, { SECOND_DEGREE_READ: "two-hop" });
    return { set, twoHop };
  } finally {
    setTriggers(state, true);
  }
}

async function main() {
  // Each platform start gets its own in-memory Upstash twin: every person's first request is a miss.
  process.env.REDIS_URL = "memory";
  const wallStarted = performance.now();
  console.log(`load average at start: ${loadavg()}`);
  const users = QUICK ? 2_000 : Number(process.env.USERS ?? 10_000);
  const state = join(ROOT, ".wrangler", `bench-network-${users}`);
  const people = measuredPeople(users);
  console.log(
    `seeded ${users} users, ~${DEGREE} connections each in ${(await seed(state, users, null)).toFixed(0)} s`,
  );
  const size = setSize(state);
  const { set, twoHop } = await setAndTwoHop(state, people);

  let neo4j: Leg | undefined;
  let resync = "";
  if (!SCALE) {
    const standIn = await startFakeNeo4j({ ...STAND_IN_AUTH, databases: ["neo4j"] });
    try {
      neo4j = await measure(
        "Neo4j",
        state,
        people,
        {
          NEO4J_QUERY_URL: standIn.url,
          NEO4J_USER: STAND_IN_AUTH.user,
          NEO4J_PASSWORD: STAND_IN_AUTH.password,
        },
        async (direct, origin) => {
          // The mirror is filled as an operator fills a new one: the admin resync.
          const cookie = await logIn(direct, "admin@bench.atas.dev", PASSWORD, "10.8.0.1", origin);
          const started = performance.now();
          const copied = await fetch(`${direct}/api/admin/graph/resync`, {
            method: "POST",
            headers: { cookie, origin, "x-atas-csrf": "1" },
          });
          if (!copied.ok) throw new Error(`resync: ${copied.status} ${await copied.text()}`);
          resync = `resync ${await copied.text()} in ${((performance.now() - started) / 1000).toFixed(1)} s`;
        },
      );
    } finally {
      await standIn.close();
    }
  }

  console.log(
    `\n/api/network/experts?limit=20, ${users} users, ~${DEGREE} connections each, sent straight to workerd (local D1, Upstash twin); load average now ${loadavg()}`,
  );
  console.log(
    `candidate set: ${size.rows} rows for ${size.users} users (${(size.rows / Math.max(1, size.users)).toFixed(0)} a user), ${Number.isNaN(size.bytes) ? "size unknown (no dbstat)" : `${(size.bytes / 1e6).toFixed(1)} MB, ${(size.bytes / Math.max(1, size.rows)).toFixed(0)} bytes a row`}`,
  );
  for (const line of legLines("D1 candidate set (the default; no cache)", set, "warm (read again)"))
    console.log(line);
  for (const line of legLines("D1 two-hop query (before; cached, no triggers)", twoHop, "warm (cache hit)"))
    console.log(line);
  if (neo4j) {
    for (const line of legLines(
      "Neo4j adapter -> Query API stand-in on embedded Kùzu (cached; not Aura's latency)",
      neo4j,
      "warm (cache hit)",
    ))
      console.log(line);
    console.log(`  ${resync}`);
  }
  const agree = (other: Map<number, Answer>) => people.length - differences(set.answers, other);
  console.log(
    `same answers (experts, mutual counts, via, order) as the candidate set: two-hop ${agree(twoHop.answers)} of ${people.length}${neo4j ? `, Neo4j ${agree(neo4j.answers)} of ${people.length}` : ""}`,
  );

  if (SCALE) {
    const big = 100_000;
    const bigState = join(ROOT, ".wrangler", `bench-network-${big}`);
    const bigPeople = measuredPeople(big);
    const seconds = await seed(bigState, big, bigPeople);
    console.log(
      `\nseeded ${big} users, ~${DEGREE} connections each (set backfilled for the ${bigPeople.length} measured) in ${seconds.toFixed(0)} s`,
    );
    const scaled = await setAndTwoHop(bigState, bigPeople);
    console.log(`/api/network/experts?limit=20 at ${big} users; load average now ${loadavg()}`);
    for (const line of legLines("D1 candidate set", scaled.set, "warm (read again)")) console.log(line);
    for (const line of legLines("D1 two-hop query (cached, no triggers)", scaled.twoHop, "warm (cache hit)"))
      console.log(line);
    console.log(
      `same answers as the two-hop query: ${bigPeople.length - differences(scaled.set.answers, scaled.twoHop.answers)} of ${bigPeople.length}`,
    );
    const growth = (what: string, small: number, large: number) =>
      `  ${what.padEnd(44)} ${small.toFixed(1).padStart(8)} -> ${large.toFixed(1).padStart(8)}  (${(large / small).toFixed(2)}x)`;
    console.log(`growth from ${users} to ${big} users (same degree):`);
    for (const [name, a, b] of [
      ["candidate set", set, scaled.set],
      ["two-hop", twoHop, scaled.twoHop],
    ] as const) {
      console.log(
        growth(`${name}: cold p50 ms, one at a time`, percentile(a.cold, 50), percentile(b.cold, 50)),
      );
      console.log(
        growth(`${name}: cold p95 ms, one at a time`, percentile(a.cold, 95), percentile(b.cold, 95)),
      );
      console.log(growth(`${name}: D1 rows read per cold request`, mean(a.reads), mean(b.reads)));
      console.log(
        growth(
          `${name}: connect p50 ms`,
          percentile(a.edges.connectMs, 50),
          percentile(b.edges.connectMs, 50),
        ),
      );
      console.log(
        growth(`${name}: connect rows written`, mean(a.edges.connectWritten), mean(b.edges.connectWritten)),
      );
      console.log(
        growth(
          `${name}: disconnect rows written`,
          mean(a.edges.disconnectWritten),
          mean(b.edges.disconnectWritten),
        ),
      );
    }
  }
  console.log(
    `wall time ${((performance.now() - wallStarted) / 1000).toFixed(0)} s; load average at end: ${loadavg()}`,
  );
}

await main();
