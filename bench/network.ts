/**
 * The second-degree network at scale: 10,000 users with about 50 connections each in local D1,
 * then `GET /api/network/experts` sent straight to the workerd that runs the worker (not through
 * `wrangler dev`'s proxy), through both implementations of the second-degree query in turn:
 *  - the D1 two-hop query (the default), and
 *  - the Neo4j adapter against the Query API stand-in (test/support/fake-neo4j.ts), which runs the
 *    adapter's Cypher on an embedded Kùzu database in this Node process: an embedded engine's
 *    figure, not Aura's latency (add the network round trip to Aura for that). The stand-in is
 *    filled by the admin resync, as an operator fills a new mirror, and the resync is timed.
 * Each person is asked once cold (a cache miss: the query and the ranking run), one at a time or
 * 20 at a time, then warm (from the Upstash twin). Prints p50/p95, the D1 rows read per cold request
 * against the degree² bound (the dev measurement mode, `x-atas-measure: d1`, on a third group of
 * people, untimed), and whether both paths gave every person the same answer (experts, mutual
 * counts, via lists, order). `USERS=2000 node bench/network.ts` for a quick run.
 */
import { join } from "node:path";
import { ROOT, startPlatform } from "../scripts/platform.ts";
import { innerRuntime, stillRunning } from "../scripts/workerd-process.ts";
import { startFakeNeo4j } from "../test/support/fake-neo4j.ts";
import { hashPassword } from "../worker/src/shared/crypto.ts";
import { benchId, inserts, prng, type SqlValue } from "./seed-sql.ts";
import { inParallel, logIn, percentile, seedUnlessReused } from "./support.ts";

const USERS = Number(process.env.USERS ?? 10_000);
const DEGREE = Number(process.env.DEGREE ?? 50);
const EXPERT_SHARE = 0.2;
/** People per group; three groups are measured (one at a time, concurrent, metered). */
const MEASURED = 40;
const WARM_REQUESTS = 400;
const CONCURRENCY = 20;
const PASSWORD = "bench passphrase 2026";
const PORT = 8798;
const STATE = join(ROOT, ".wrangler", "bench-network");

const { rand } = prng(7);
const uuid = (n: number) => benchId(4, n);
const insertsOrIgnore = (table: string, columns: string[], rows: Iterable<SqlValue[]>) =>
  inserts(table, columns, rows, { perStatement: 200, orIgnore: true });

const isExpert = (i: number) => i % Math.round(1 / EXPERT_SHARE) === 0;

/** Users, expert profiles, and each user connected to about DEGREE others, mostly near them (clustered, like campuses). */
function bulkSql(passwordHash: string): string {
  const now = Date.now();
  const lines: string[] = [];
  lines.push(
    ...insertsOrIgnore(
      "users",
      [
        "id",
        "email",
        "password_hash",
        "display_name",
        "role",
        "campus_id",
        "email_verified_at",
        "created_at",
        "updated_at",
      ],
      Array.from({ length: USERS }, (_, i) => [
        uuid(i),
        `net${i}@bench.atas.dev`,
        passwordHash,
        `Person ${i}`,
        isExpert(i) ? "expert" : "student",
        i % 3 === 0 ? "um" : null,
        now,
        now,
        now,
      ]),
    ),
  );
  const experts = Array.from({ length: USERS }, (_, i) => i).filter(isExpert);
  lines.push(
    ...insertsOrIgnore(
      "expert_profiles",
      // Vetted, as the suggestions list only vetted experts.
      ["user_id", "headline", "industry", "topics", "campus_ties", "verification", "updated_at"],
      experts.map((i) => [
        uuid(i),
        "Engineer",
        "Fintech",
        '["payments"]',
        i % 2 ? '["um"]' : "[]",
        "verified",
        now,
      ]),
    ),
  );
  function* edges() {
    for (let i = 0; i < USERS; i++) {
      for (let k = 0; k < DEGREE / 2; k++) {
        // Half the ties are local (within 500 ids), half anywhere: two hops reach a few thousand people.
        const j = k % 2 ? Math.floor(rand() * USERS) : (i + 1 + Math.floor(rand() * 500)) % USERS;
        if (j === i) continue;
        yield [uuid(i), uuid(j), "connection", now];
        yield [uuid(j), uuid(i), "connection", now];
      }
    }
  }
  lines.push(...insertsOrIgnore("connections", ["user_id", "peer_id", "source", "created_at"], edges()));
  return lines.join("\n");
}

/** What one person's answer says, for comparing the two paths: experts in order, mutual counts, via ids. */
type Answer = { id: string; mutuals: number; via: string[] }[];

interface Leg {
  cold: number[];
  coldConcurrent: number[];
  reads: number[];
  returned: number[];
  degrees: number[];
  warm: number[];
  answers: Map<number, Answer>;
}

/**
 * One platform start on the seeded state: signs the measured people in, then times
 * `/api/network/experts` cold (one request each, every one a cache miss) and warm (cached), sent
 * straight to the workerd that runs the worker. `vars` select the second-degree path.
 */
async function measure(
  label: string,
  people: number[],
  vars: Record<string, string>,
  before?: (direct: string, origin: string) => Promise<void>,
): Promise<Leg> {
  const platform = await startPlatform({
    port: PORT,
    persistTo: STATE,
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
      logIn(direct, `net${i}@bench.atas.dev`, PASSWORD, `10.9.${i >> 8}.${i & 255}`, platform.url);
    // Ten at a time: the limiters' store (the twin) answers every login, and PBKDF2 is CPU-bound.
    const cookies: string[] = [];
    await inParallel(people.length, 10, async (k) => {
      cookies[k] = await login(people[k] ?? 0);
    });
    const leg: Leg = {
      cold: [],
      coldConcurrent: [],
      reads: [],
      returned: [],
      degrees: [],
      warm: [],
      answers: new Map(),
    };
    const experts = (cookie: string, extra: Record<string, string> = {}) =>
      fetch(`${direct}/api/network/experts?limit=20`, { headers: { ...origin, cookie, ...extra } });

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
      if (metered) leg.reads.push(Number(response.headers.get("x-d1-rows-read")));
      leg.returned.push(body.experts.length);
      leg.answers.set(
        people[k] ?? -1,
        body.experts.map((e) => ({ id: e.id, mutuals: e.mutuals, via: e.via.map((v) => v.userId) })),
      );
      const mine = await fetch(`${direct}/api/connections`, { headers: { ...origin, cookie } });
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
    // Warm: the same people again and again, served from the cache.
    await inParallel(WARM_REQUESTS, CONCURRENCY, async (k) => {
      const cookie = cookies[k % cookies.length] ?? "";
      const started = performance.now();
      await (await experts(cookie)).arrayBuffer();
      leg.warm.push(performance.now() - started);
    });
    stillRunning(runtime);
    return leg;
  } finally {
    await platform.stop();
  }
}

const ADMIN = { email: "admin@bench.atas.dev", index: USERS };
const STAND_IN_AUTH = { user: "neo4j", password: "bench-standin-password" };

/** The same answers through both paths? Counts people whose expert list, mutual counts, via lists or order differ. */
function differences(a: Map<number, Answer>, b: Map<number, Answer>): number {
  let differ = 0;
  for (const [person, answer] of a) if (JSON.stringify(answer) !== JSON.stringify(b.get(person))) differ += 1;
  return differ;
}

function legLines(label: string, leg: Leg): string[] {
  const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
  const row = (what: string, xs: number[]) =>
    `  ${what.padEnd(30)} n=${String(xs.length).padStart(3)}  p50 ${percentile(xs, 50).toFixed(1).padStart(7)} ms  p95 ${percentile(xs, 95).toFixed(1).padStart(7)} ms`;
  const bound = mean(leg.degrees.map((d) => d * d));
  return [
    label,
    row("cold, one at a time", leg.cold),
    row(`cold, ${CONCURRENCY} concurrent`, leg.coldConcurrent),
    row(`warm (cache hit), ${CONCURRENCY} concurrent`, leg.warm),
    `  cold p95 at ${CONCURRENCY} concurrent / its p50: ${(percentile(leg.coldConcurrent, 95) / percentile(leg.coldConcurrent, 50)).toFixed(2)}x`,
    `  D1 rows read per cold request: mean ${mean(leg.reads).toFixed(0)}, max ${Math.max(...leg.reads)}; degree mean ${mean(leg.degrees).toFixed(1)}, degree² bound mean ${bound.toFixed(0)} -> read/bound ${(mean(leg.reads) / bound).toFixed(2)}; experts returned mean ${mean(leg.returned).toFixed(1)}`,
  ];
}

async function main() {
  // Each platform start gets its own in-memory Upstash twin: every person's first request is a miss.
  process.env.REDIS_URL = "memory";
  await seedUnlessReused(
    STATE,
    async () => {
      const hash = await hashPassword(PASSWORD);
      const admin = inserts(
        "users",
        [
          "id",
          "email",
          "password_hash",
          "display_name",
          "role",
          "email_verified_at",
          "created_at",
          "updated_at",
        ],
        [[uuid(ADMIN.index), ADMIN.email, hash, "Bench admin", "admin", Date.now(), Date.now(), Date.now()]],
        { orIgnore: true },
      );
      return [bulkSql(hash), ...admin].join("\n");
    },
    `${USERS} users, ~${DEGREE} connections each`,
  );
  // Students spread over the id space: 3 groups of MEASURED (one at a time, concurrent, metered).
  const people = Array.from(
    { length: 3 * MEASURED },
    (_, k) => 1 + k * Math.floor(USERS / (3 * MEASURED)),
  ).map((i) => (isExpert(i) ? i + 1 : i));

  const d1 = await measure("D1", people, {});

  const standIn = await startFakeNeo4j({ ...STAND_IN_AUTH, databases: ["neo4j"] });
  let resync = "";
  try {
    const neo4j = await measure(
      "Neo4j",
      people,
      {
        NEO4J_QUERY_URL: standIn.url,
        NEO4J_USER: STAND_IN_AUTH.user,
        NEO4J_PASSWORD: STAND_IN_AUTH.password,
      },
      async (direct, origin) => {
        // The mirror is filled as an operator fills a new one: the admin resync.
        const cookie = await logIn(direct, ADMIN.email, PASSWORD, "10.8.0.1", origin);
        const started = performance.now();
        const copied = await fetch(`${direct}/api/admin/graph/resync`, {
          method: "POST",
          headers: { cookie, origin, "x-atas-csrf": "1" },
        });
        if (!copied.ok) throw new Error(`resync: ${copied.status} ${await copied.text()}`);
        resync = `resync ${await copied.text()} in ${((performance.now() - started) / 1000).toFixed(1)} s`;
      },
    );
    console.log(
      `\n/api/network/experts?limit=20, ${USERS} users, ~${DEGREE} connections each, sent straight to workerd (local D1, Upstash twin)`,
    );
    for (const line of legLines("D1 two-hop query (the default)", d1)) console.log(line);
    for (const line of legLines(
      "Neo4j adapter -> Query API stand-in running the Cypher on embedded Kùzu (an embedded engine in this process's Node, not Aura's latency)",
      neo4j,
    ))
      console.log(line);
    console.log(`  ${resync}`);
    console.log(
      `same answers (experts, mutual counts, via, order) through both paths: ${people.length - differences(d1.answers, neo4j.answers)} of ${people.length} people`,
    );
  } finally {
    await standIn.close();
  }
}

await main();
