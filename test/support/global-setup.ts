import type { TestProject } from "vitest/node";
import { startUpstashTwin } from "../../scripts/upstash-twin.ts";
import { startFakeResend } from "./fake-resend.ts";

export const FAKE_RESEND_KEY = "re_test_key";

/** Node-side servers the workerd tests talk to over loopback. */
export default async function setup(project: TestProject) {
  const upstash = await startUpstashTwin({ port: 0 });
  const resend = await startFakeResend(FAKE_RESEND_KEY);
  console.log(`upstash twin: ${upstash.url} (${upstash.mode}); fake resend: ${resend.url}`);
  project.provide("upstashUrl", upstash.url);
  project.provide("upstashToken", upstash.token);
  project.provide("resendUrl", resend.url);
  return async () => {
    await upstash.close();
    await resend.close();
  };
}
