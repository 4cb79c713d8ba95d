import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startFakeNeo4j } from "./fake-neo4j.ts";
import { startFakeOpenAI } from "./fake-openai.ts";
import { startFakeResend } from "./fake-resend.ts";
import { startFakeSentry } from "./fake-sentry.ts";

export const FAKE_RESEND_KEY = "re_test_key";
export const FAKE_OPENAI_KEY = "sk-test-key";
export const FAKE_NEO4J_AUTH = { user: "neo4j", password: "test-password" };
const ROOT = join(import.meta.dirname, "..", "..");

/**
 * The Upstash twin runs as its own Node process (as in development), so its Redis client loads
 * natively rather than through Vite's module transform. It uses REDIS_URL when `npm test` set one.
 */
function spawnUpstashTwin(): Promise<{ url: string; token: string; child: ChildProcess }> {
  const child = spawn(
    join(ROOT, "node_modules", ".bin", "node"),
    ["scripts/upstash-twin.ts", "--port", "0"],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/listening on (http:\/\/\S+) \(mode: (\w+)\)/);
      if (match?.[1]) {
        console.log(`upstash twin: ${match[1]} (${match[2]})`);
        resolve({ url: match[1], token: "local-dev-token", child });
      }
    });
    child.on("exit", (code) => reject(new Error(`the upstash twin exited with ${code}: ${out}`)));
  });
}

/** Node-side servers the workerd tests talk to over loopback. */
export default async function setup(project: TestProject) {
  const upstash = await spawnUpstashTwin();
  const resend = await startFakeResend(FAKE_RESEND_KEY);
  const openai = await startFakeOpenAI(FAKE_OPENAI_KEY);
  const neo4j = await startFakeNeo4j(FAKE_NEO4J_AUTH);
  const sentry = await startFakeSentry();
  project.provide("upstashUrl", upstash.url);
  project.provide("upstashToken", upstash.token);
  project.provide("resendUrl", resend.url);
  project.provide("openaiUrl", openai.url);
  project.provide("neo4jUrl", neo4j.url);
  project.provide("sentryUrl", sentry.url);
  return async () => {
    upstash.child.kill("SIGTERM");
    await resend.close();
    await openai.close();
    await neo4j.close();
    await sentry.close();
  };
}
