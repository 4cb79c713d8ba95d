import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env";
import { requestPasswordReset } from "../../worker/src/identity/services/password-reset";
import { registerAccount } from "../../worker/src/identity/services/register-account";
import { resendVerification } from "../../worker/src/identity/services/resend-verification";
import type { EmailJob } from "../../worker/src/jobs/contracts";
import { systemContext } from "../../worker/src/shared/context";
import { RateLimited } from "../../worker/src/shared/errors";
import { POLICIES } from "../../worker/src/shared/rate-limit";
import { adaptersFor } from "../../worker/src/wiring";
import { call, freshIp, PASSWORD, signUp, uniqueEmail } from "../support/http";

/** A context whose mail queue only records what was queued, so the count is exact and immediate. */
function recordingContext(queued: EmailJob[]) {
  const queue = { send: async (job: EmailJob) => void queued.push(job) } as unknown as Env["EMAIL_QUEUE"];
  const bindings = { ...env, EMAIL_QUEUE: queue } as Env;
  return { ...systemContext(bindings, adaptersFor(bindings)), ip: freshIp() };
}

const N = POLICIES.mailAddress.tokens;

describe("unsolicited mail is limited per address, whatever the sender's address", () => {
  it("registering an existing address from many IPs mails it one notice a day", async () => {
    const victim = await signUp();
    const queued: EmailJob[] = [];
    for (let i = 0; i < N + 4; i++) {
      // Each attempt from a new address, so no per-IP limit applies; the answer never changes.
      await registerAccount({
        ctx: recordingContext(queued),
        input: { email: victim.email, password: PASSWORD, displayName: "Mallory", role: "student" },
      });
    }
    expect(queued.filter((job) => job.kind === "account-exists")).toHaveLength(1);
  }, 60_000);

  it("many registrations with an existing address: one notice a day, and its reset mail still goes", async () => {
    const victim = await signUp();
    const queued: EmailJob[] = [];
    for (let i = 0; i < N + 2; i++) {
      await registerAccount({
        ctx: recordingContext(queued),
        input: { email: victim.email, password: PASSWORD, displayName: "Mallory", role: "student" },
      });
    }
    expect(queued.filter((job) => job.kind === "account-exists")).toHaveLength(1);
    await requestPasswordReset({ ctx: recordingContext(queued), input: { email: victim.email } });
    expect(queued.filter((job) => job.kind === "password-reset")).toHaveLength(1);
  }, 60_000);

  it("reset and verification mails share the address's budget", async () => {
    const email = uniqueEmail("target");
    const queued: EmailJob[] = [];
    await registerAccount({
      ctx: recordingContext(queued),
      input: { email, password: PASSWORD, displayName: "Target", role: "student" },
    });
    const attempts = [
      () => resendVerification({ ctx: recordingContext(queued), input: { email } }),
      () => requestPasswordReset({ ctx: recordingContext(queued), input: { email } }),
    ];
    for (let i = 0; i < N + 4; i++) {
      try {
        await attempts[i % 2]?.();
      } catch (error) {
        // The older per-kind limits may answer 429 first; they never let more through.
        if (!(error instanceof RateLimited)) throw error;
      }
    }
    expect(queued.length).toBeLessThanOrEqual(N);
    expect(queued.length).toBeGreaterThan(1);
  }, 60_000);

  it("the register answer stays 202 when the notice is no longer sent", async () => {
    const victim = await signUp();
    const statuses: number[] = [];
    for (let i = 0; i < N + 2; i++) {
      const response = await call("/api/auth/register", {
        json: { email: victim.email, password: PASSWORD, displayName: "M", role: "student" },
      });
      statuses.push(response.status);
    }
    expect(statuses.every((s) => s === 202)).toBe(true);
  }, 60_000);
});
