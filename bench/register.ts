/**
 * Registration latency: the mail job queued (today) against the same work done inline with a mail
 * provider that takes 3 seconds (the seed's synchronous version). Both run the real worker under
 * `wrangler dev` (workerd, local D1 and Queues) against a local Resend stand-in that waits 3 s, each
 * from a frozen copy of the app; requests go straight to the workerd that runs the worker, not
 * through wrangler dev's proxy. Each registration comes from its own address (the per-IP limit is
 * 10 an hour). Prints p50/p99 for both and their ratio, and the limiter's store round trips and
 * commands per registration. Targets: ratio >= 50x, queued p99 <= 50 ms. `QUICK=1`: 40 and 4 registrations.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, startThrowawayRedis } from "../scripts/platform.ts";
import type { UpstashTwin } from "../scripts/upstash-twin.ts";
import { innerRuntime } from "../scripts/workerd-process.ts";
import { startFakeResend } from "../test/support/fake-resend.ts";
import { DEFAULT_PBKDF2_ITERATIONS, hashPassword } from "../worker/src/shared/crypto.ts";
import { loadAverage } from "./baseline.ts";
import { latencyRow, percentile, queueGainLines, snapshot } from "./support.ts";

const QUICK = process.env.QUICK === "1";
const QUEUED_RUNS = Number(process.env.QUEUED_RUNS ?? (QUICK ? 40 : 200));
const INLINE_RUNS = Number(process.env.INLINE_RUNS ?? (QUICK ? 4 : 12));
const PROVIDER_DELAY_MS = 3000;
const KEY = "re_bench_key";

/** The limiter's traffic to the store (its keys start `rl:`), as the twin counts it: [round trips, commands]. */
function limiterCalls(twin: UpstashTwin): [number, number] {
  let commands = 0;
  for (const [kind, count] of twin.commandsByKind) if (/ rl$/.test(kind)) commands += count;
  return [twin.requestsByPrefix.get("rl") ?? 0, commands];
}

let addresses = 0;
async function measure(mode: "queue" | "inline", runs: number, providerUrl: string, port: number) {
  const platform = await app.startPlatform({
    port,
    persistTo: join(ROOT, ".wrangler", `bench-${mode}`),
    fresh: true,
    seed: false,
    log: () => {},
    vars: { MAILER: "resend", RESEND_API_KEY: KEY, RESEND_BASE_URL: providerUrl, MAIL_DELIVERY: mode },
  });
  const runtime = await innerRuntime(port, async (base) => (await fetch(`${base}/openapi.json`)).ok);
  const direct = `http://127.0.0.1:${runtime.port}`;
  const register = async (i: number) => {
    addresses++;
    const started = performance.now();
    const response = await fetch(`${direct}/api/auth/register`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: platform.url,
        "x-atas-csrf": "1",
        "cf-connecting-ip": `10.5.${(addresses >> 8) & 255}.${addresses & 255}`,
      },
      body: JSON.stringify({
        email: `bench-${mode}-${i}-${Date.now()}@example.com`,
        password: "bench passphrase 2026",
        displayName: "Bench",
        role: "student",
      }),
    });
    const elapsed = performance.now() - started;
    if (response.status !== 202)
      throw new Error(`register answered ${response.status}: ${await response.text()}`);
    return elapsed;
  };
  try {
    for (let i = 0; i < 5 && mode === "queue"; i++) await register(-i - 1);
    const callsBefore = limiterCalls(platform.upstash);
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await register(i));
    const callsAfter = limiterCalls(platform.upstash);
    return { samples, limiterCalls: callsAfter.map((n, i) => (n - (callsBefore[i] ?? 0)) / runs) };
  } finally {
    await platform.stop();
  }
}

/** The password hash is most of a registration's own work; record what it costs. */
async function hashCost(): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await hashPassword("bench passphrase 2026");
    samples.push(performance.now() - started);
  }
  return samples;
}

const startedAt = performance.now();
console.log(`load average at start: ${loadAverage()}`);
const appDir = mkdtempSync(join(tmpdir(), "atas-bench-register-"));
const app = await snapshot(appDir);
const provider = await startFakeResend(KEY, { delayMs: PROVIDER_DELAY_MS });
// Like production (Upstash is Redis), the limiter runs on a real Redis when one can be started.
const redis = await startThrowawayRedis();
if (redis) process.env.REDIS_URL = redis.url;
try {
  const { samples: queued, limiterCalls: calls } = await measure("queue", QUEUED_RUNS, provider.url, 8845);
  const { samples: inline } = await measure("inline", INLINE_RUNS, provider.url, 8846);
  console.log(
    `\nPOST /api/auth/register (straight to workerd, local D1, PBKDF2-SHA256 100k, Upstash twin on ${redis ? "Redis" : "memory"})`,
  );
  console.log(latencyRow("mail job queued", queued));
  console.log(latencyRow(`mail inline, provider ${PROVIDER_DELAY_MS} ms`, inline));
  for (const line of queueGainLines(queued, inline)) console.log(line);
  const hash = await hashCost();
  console.log(
    `PBKDF2-SHA256, ${DEFAULT_PBKDF2_ITERATIONS} iterations (WebCrypto): p50 ${percentile(hash, 50).toFixed(1)} ms per hash`,
  );
  console.log(
    `limiter store round trips per registration (the address's limit and the recipient's mail budget): ${calls[0]?.toFixed(2)} (${calls[1]?.toFixed(2)} commands)`,
  );
} finally {
  await provider.close();
  await redis?.stop();
  rmSync(appDir, { recursive: true, force: true });
  console.log(
    `load average at end: ${loadAverage()}; wall time ${((performance.now() - startedAt) / 1000).toFixed(0)} s`,
  );
}
