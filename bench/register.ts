/**
 * Registration latency: the mail job queued (today) against the same work done inline with a mail
 * provider that takes 3 seconds (the seed's synchronous version). Both run the real worker under
 * `wrangler dev` (workerd, local D1 and Queues) against a local Resend stand-in that waits 3 s.
 * Prints p50/p99 for both and their ratio. Targets: ratio >= 50x, queued p99 <= 50 ms.
 */
import { join } from "node:path";
import { Redis } from "@upstash/redis";
import { ROOT, startPlatform, startThrowawayRedis } from "../scripts/platform.ts";
import { startFakeResend } from "../test/support/fake-resend.ts";
import { DEFAULT_PBKDF2_ITERATIONS, hashPassword } from "../worker/src/shared/crypto.ts";
import { latencyRow, percentile, queueGainLines } from "./support.ts";

const QUEUED_RUNS = Number(process.env.QUEUED_RUNS ?? 200);
const INLINE_RUNS = Number(process.env.INLINE_RUNS ?? 12);
const PROVIDER_DELAY_MS = 3000;
const KEY = "re_bench_key";

async function measure(mode: "queue" | "inline", runs: number, providerUrl: string, port: number) {
  const platform = await startPlatform({
    port,
    persistTo: join(ROOT, ".wrangler", `bench-${mode}`),
    fresh: true,
    seed: false,
    log: () => {},
    vars: { MAILER: "resend", RESEND_API_KEY: KEY, RESEND_BASE_URL: providerUrl, MAIL_DELIVERY: mode },
  });
  const store = new Redis({
    url: platform.upstash.url,
    token: platform.upstash.token,
    enableTelemetry: false,
  });
  const register = async (i: number) => {
    // The registration limiter would stop a benchmark from one address; clear it outside the timed part.
    await store.flushall();
    const started = performance.now();
    const response = await fetch(`${platform.url}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: platform.url, "x-atas-csrf": "1" },
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
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await register(i));
    return samples;
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

const provider = await startFakeResend(KEY, { delayMs: PROVIDER_DELAY_MS });
// Like production (Upstash is Redis), the limiter runs on a real Redis when one can be started.
const redis = await startThrowawayRedis();
if (redis) process.env.REDIS_URL = redis.url;
try {
  const queued = await measure("queue", QUEUED_RUNS, provider.url, 8795);
  const inline = await measure("inline", INLINE_RUNS, provider.url, 8796);
  console.log(
    `\nPOST /api/auth/register (wrangler dev, local D1, PBKDF2-SHA256 100k, Upstash twin on ${redis ? "Redis" : "memory"})`,
  );
  console.log(latencyRow("mail job queued", queued));
  console.log(latencyRow(`mail inline, provider ${PROVIDER_DELAY_MS} ms`, inline));
  for (const line of queueGainLines(queued, inline)) console.log(line);
  const hash = await hashCost();
  console.log(
    `PBKDF2-SHA256, ${DEFAULT_PBKDF2_ITERATIONS} iterations (WebCrypto): p50 ${percentile(hash, 50).toFixed(1)} ms per hash`,
  );
} finally {
  await provider.close();
  await redis?.stop();
}
