/**
 * The second-degree network at scale: 10,000 users with about 50 connections each in local D1,
 * then `GET /api/network/experts` through the real worker (`wrangler dev`) at 20 concurrent
 * requests, cold (every request a cache miss: the two-hop query and the ranking run) and warm
 * (served from the Upstash twin). Prints p50/p95 and the D1 rows read per cold request against
 * the degree² bound (measured in the dev measurement mode, `x-atas-measure: d1`).
 */
import { join } from "node:path";
import { ROOT, startPlatform } from "../scripts/platform.ts";
import { hashPassword } from "../worker/src/shared/crypto.ts";
import { benchId, inserts, prng, type SqlValue } from "./seed-sql.ts";
import { inParallel, logIn, percentile, seedUnlessReused } from "./support.ts";

const USERS = Number(process.env.USERS ?? 10_000);
const DEGREE = Number(process.env.DEGREE ?? 50);
const EXPERT_SHARE = 0.2;
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
      ["user_id", "headline", "industry", "topics", "campus_ties", "updated_at"],
      experts.map((i) => [uuid(i), "Engineer", "Fintech", '["payments"]', i % 2 ? '["um"]' : "[]", now]),
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

async function main() {
  await seedUnlessReused(
    STATE,
    async () => bulkSql(await hashPassword(PASSWORD)),
    `${USERS} users, ~${DEGREE} connections each`,
  );

  const platform = await startPlatform({
    port: PORT,
    persistTo: STATE,
    seed: false,
    log: (line: string) => {
      if (/error/i.test(line)) console.error(line);
    },
  });
  try {
    const login = (i: number) =>
      logIn(platform.url, `net${i}@bench.atas.dev`, PASSWORD, `10.9.${i >> 8}.${i & 255}`);
    // Students spread over the id space.
    const people = Array.from({ length: MEASURED }, (_, k) => 1 + k * Math.floor(USERS / MEASURED)).map(
      (i) => (isExpert(i) ? i + 1 : i),
    );
    const cookies = await Promise.all(people.map(login));

    // Cold: each user once, 20 at a time, measuring rows read on every request.
    const cold: number[] = [];
    const reads: number[] = [];
    const returned: number[] = [];
    const degrees: number[] = [];
    await inParallel(cookies.length, CONCURRENCY, async (k) => {
      const cookie = cookies[k] ?? "";
      const started = performance.now();
      const response = await fetch(`${platform.url}/api/network/experts?limit=20`, {
        headers: { cookie, "x-atas-measure": "d1" },
      });
      if (!response.ok) throw new Error(`network experts: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { experts: unknown[] };
      cold.push(performance.now() - started);
      reads.push(Number(response.headers.get("x-d1-rows-read")));
      returned.push(body.experts.length);
      const mine = await fetch(`${platform.url}/api/connections`, { headers: { cookie } });
      degrees.push(((await mine.json()) as { connections: unknown[] }).connections.length);
    });
    // Warm: the same users again and again, served from the cache.
    const warm: number[] = [];
    await inParallel(WARM_REQUESTS, CONCURRENCY, async (k) => {
      const cookie = cookies[k % cookies.length] ?? "";
      const started = performance.now();
      await (
        await fetch(`${platform.url}/api/network/experts?limit=20`, { headers: { cookie } })
      ).arrayBuffer();
      warm.push(performance.now() - started);
    });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const bound = mean(degrees.map((d) => d * d));
    console.log(
      `\n/api/network/experts, ${USERS} users, ${CONCURRENCY} concurrent (wrangler dev, local D1, Upstash twin)`,
    );
    console.log(
      `cold (cache miss)  n=${cold.length}  p50 ${percentile(cold, 50).toFixed(1)} ms  p95 ${percentile(cold, 95).toFixed(1)} ms`,
    );
    console.log(
      `warm (cache hit)   n=${warm.length}  p50 ${percentile(warm, 50).toFixed(1)} ms  p95 ${percentile(warm, 95).toFixed(1)} ms`,
    );
    console.log(
      `rows read per cold request: mean ${mean(reads).toFixed(0)}, max ${Math.max(...reads)}; degree mean ${mean(degrees).toFixed(1)}, ` +
        `degree² bound mean ${bound.toFixed(0)} -> read/bound ${(mean(reads) / bound).toFixed(2)}; experts returned mean ${mean(returned).toFixed(1)}`,
    );
  } finally {
    await platform.stop();
  }
}

await main();
