import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env";
import worker from "../support/entry";
import { expectProblem, freshIp, PASSWORD, tokenFrom, uniqueEmail, waitForMail } from "../support/http";

const APP = "https://atas.example";

/** Calls the worker with its configuration changed (production, another APP_ORIGIN, …). */
function fetchWith(overrides: Partial<Env>, url: string, init: RequestInit = {}) {
  return worker.fetch(
    new Request(url, init) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, ...overrides } as Env,
    createExecutionContext(),
  ) as Promise<Response>;
}

function post(origin: string, json: unknown) {
  return {
    method: "POST",
    headers: {
      origin,
      "x-atas-csrf": "1",
      "content-type": "application/json",
      "cf-connecting-ip": freshIp(),
    },
    body: JSON.stringify(json),
  };
}

describe("APP_ORIGIN", () => {
  it("production without APP_ORIGIN refuses every request with a clear 503 problem", async () => {
    for (const path of ["/api/campuses", "/openapi.json", "/login"]) {
      const response = await fetchWith({ APP_ENV: "production", APP_ORIGIN: undefined }, `${APP}${path}`);
      const problem = await expectProblem(response, 503);
      expect(problem.detail).toMatch(/APP_ORIGIN/);
    }
  });

  it("production refuses an APP_ORIGIN that is not a bare https origin", async () => {
    for (const origin of ["atas.example", "https://atas.example/app", "http://atas.example"]) {
      const response = await fetchWith({ APP_ENV: "production", APP_ORIGIN: origin }, `${APP}/api/campuses`);
      await expectProblem(response, 503);
    }
  });

  it("production with APP_ORIGIN serves", async () => {
    const response = await fetchWith({ APP_ENV: "production", APP_ORIGIN: APP }, `${APP}/api/campuses`);
    expect(response.status).toBe(200);
  });

  it("the CSRF check trusts APP_ORIGIN, never the Host header", async () => {
    // A request whose Host (and so URL) is the attacker's, with a matching Origin.
    const evil = "https://evil.example";
    const body = { email: uniqueEmail("host"), password: PASSWORD };
    await expectProblem(
      await fetchWith({ APP_ORIGIN: APP }, `${evil}/api/auth/login`, post(evil, body)),
      403,
    );
    const ours = await fetchWith({ APP_ORIGIN: APP }, `${evil}/api/auth/login`, post(APP, body));
    expect(ours.status).toBe(401);
  });

  it("mail links point at APP_ORIGIN whatever Host the request came to", async () => {
    const email = uniqueEmail("links");
    const response = await fetchWith(
      { APP_ORIGIN: APP },
      "https://evil.example/api/auth/register",
      post(APP, { email, password: PASSWORD, displayName: "Links", role: "student" }),
    );
    expect(response.status).toBe(202);
    const mail = await waitForMail(email, "Confirm");
    expect(mail.text).toContain(`${APP}/verify?token=${tokenFrom(mail.text)}`);
  });
});
