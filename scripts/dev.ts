/**
 * `npm run dev`: the whole platform on http://127.0.0.1:8787 with demo data, the dev mailbox at
 * /dev/mail, and the hourly cron fired at the top of each hour through wrangler's test route.
 *
 * `ATAS_SECOND_DEGREE=neo4j-standin npm run dev` selects the Neo4j path for the second-degree
 * network, against the Query API stand-in the tests use (test/support/fake-neo4j.ts, which runs the
 * adapter's Cypher on an embedded Kùzu database): edge changes go through the graph queue to it,
 * and the demo graph is copied into it by the admin resync once the platform is up.
 */
import { startFakeNeo4j } from "../test/support/fake-neo4j.ts";
import { buildWeb, startPlatform } from "./platform.ts";

const port = Number(process.env.PORT ?? 8787);
const secondDegree = process.env.ATAS_SECOND_DEGREE ?? "d1";
if (secondDegree !== "d1" && secondDegree !== "neo4j-standin") {
  throw new Error(`ATAS_SECOND_DEGREE is "d1" (the default) or "neo4j-standin", not "${secondDegree}"`);
}
const STAND_IN_AUTH = { user: "neo4j", password: "local-dev-password" };
const standIn = secondDegree === "neo4j-standin" ? await startFakeNeo4j(STAND_IN_AUTH) : null;
await buildWeb();
const platform = await startPlatform({
  port,
  inheritOutput: true,
  vars: standIn
    ? {
        NEO4J_QUERY_URL: standIn.url,
        NEO4J_USER: STAND_IN_AUTH.user,
        NEO4J_PASSWORD: STAND_IN_AUTH.password,
      }
    : {},
});
if (standIn) console.log(`second degree: Neo4j path, stand-in on Kùzu at ${standIn.url} (${await resync()})`);

/** Copies the seeded D1 graph into the stand-in through the admin route, as an operator would. */
async function resync() {
  const headers = { "content-type": "application/json", origin: platform.url, "x-atas-csrf": "1" };
  const login = await fetch(`${platform.url}/api/auth/login`, {
    method: "POST",
    headers,
    body: JSON.stringify({ email: "admin@atas.dev", password: "atas-demo-2026" }),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const copied = await fetch(`${platform.url}/api/admin/graph/resync`, {
    method: "POST",
    headers: { ...headers, cookie },
  });
  return copied.ok
    ? `resync: ${await copied.text()}`
    : `resync failed: ${copied.status} ${await copied.text()}`;
}

function scheduleCron() {
  const now = new Date();
  const next = new Date(now);
  next.setUTCMinutes(0, 0, 0);
  next.setUTCHours(next.getUTCHours() + 1);
  setTimeout(async () => {
    const response = await fetch(
      `${platform.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("0 * * * *")}`,
    ).catch(() => null);
    console.log(`cron 0 * * * * fired: ${response?.status ?? "unreachable"}`);
    scheduleCron();
  }, next.getTime() - now.getTime());
}
scheduleCron();

console.log(`
  ATAS is running at ${platform.url}
    web app          ${platform.url}/
    dev mailbox      ${platform.url}/dev/mail
    API document     ${platform.url}/openapi.json
    fire the cron    curl '${platform.url}/cdn-cgi/handler/scheduled?cron=0+*+*+*+*'
  Demo logins (password atas-demo-2026): student01@siswa.um.edu.my, aisyah.rahman@experts.atas.dev,
    club.computing@siswa.um.edu.my, admin@atas.dev
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    await platform.stop();
    await standIn?.close();
    process.exit(0);
  });
}
