import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/src/env";
import worker from "../support/entry";
import type { ReceivedEnvelope } from "../support/fake-sentry";
import { call, ORIGIN } from "../support/http";
import { messageBatch } from "../support/queue";

const STORE_DOWN = "http://127.0.0.1:9";

async function fetchWith(path: string, overrides: Partial<Env>, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${ORIGIN}${path}`, init) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

describe("GET /api/health", () => {
  it("answers 200 with each check when D1, the store and the queue bindings are there", async () => {
    const response = await call("/api/health", { noCsrf: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as {
      status: string;
      checks: {
        d1: { ok: boolean; ms: number };
        store: { ok: boolean; ms: number };
        queues: { ok: boolean };
      };
      failed?: string[];
    };
    expect(body.status).toBe("ok");
    expect(body.checks.d1.ok).toBe(true);
    expect(body.checks.store.ok).toBe(true);
    expect(body.checks.queues).toEqual({ ok: true });
    expect(Number.isInteger(body.checks.d1.ms)).toBe(true);
    expect(body.failed).toBeUndefined();
  });

  it("answers 503 naming the store when it is down, and says nothing of its address", async () => {
    const response = await fetchWith("/api/health", { UPSTASH_REDIS_REST_URL: STORE_DOWN });
    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    const body = JSON.parse(text) as {
      status: string;
      failed: string[];
      checks: Record<string, { ok: boolean }>;
    };
    expect(body.status).toBe("fail");
    expect(body.failed).toEqual(["store"]);
    expect(body.checks.d1?.ok).toBe(true);
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain(env.UPSTASH_REDIS_REST_TOKEN);
  });

  it("names D1 and the queues when they fail", async () => {
    const response = await fetchWith("/api/health", {
      DB: brokenD1(),
      FANOUT_QUEUE: undefined as unknown as Env["FANOUT_QUEUE"],
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { failed: string[] };
    expect(body.failed).toEqual(["d1", "queues"]);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain("/api/health");
  });
});

/** A D1 whose every call fails, as an outage or a bug would: the request becomes a 500. */
function brokenD1(marker = ""): D1Database {
  return new Proxy({} as D1Database, {
    get: (_, prop) =>
      prop === "then"
        ? undefined
        : () => {
            throw new Error(`D1 is on fire ${marker}`.trim());
          },
  });
}

const DSN_KEY = "0123456789abcdef0123456789abcdef";
const dsn = () => `${env.FAKE_SENTRY_URL.replace("://", `://${DSN_KEY}@`)}/4242`;

async function envelopes(): Promise<ReceivedEnvelope[]> {
  return (await (await fetch(`${env.FAKE_SENTRY_URL}/__envelopes`)).json()) as ReceivedEnvelope[];
}

/** Waits (on state, not time) until the fake Sentry holds an event tagged with this request id. */
async function eventFor(requestId: string): Promise<ReceivedEnvelope> {
  for (;;) {
    const found = (await envelopes()).find((e) =>
      e.items.some(
        (item) =>
          item.type === "event" &&
          (item.payload as { tags?: Record<string, string> }).tags?.request_id === requestId,
      ),
    );
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("errors to Sentry", () => {
  const secrets = {
    email: "victim.sentry@example.com",
    password: "hunter2-sentry-password",
    cookie: "atas_session=sentry-secret-session-cookie",
    query: "reset-token-in-the-query",
  };
  const failingLogin = (overrides: Partial<Env>) =>
    fetchWith(
      `/api/auth/login?token=${secrets.query}`,
      { DB: brokenD1(), ...overrides },
      {
        method: "POST",
        headers: {
          origin: ORIGIN,
          "x-atas-csrf": "1",
          "content-type": "application/json",
          cookie: secrets.cookie,
          authorization: "Bearer sentry-secret-bearer",
          "cf-connecting-ip": "10.9.8.7",
        },
        body: JSON.stringify({ email: secrets.email, password: secrets.password }),
      },
    );

  it("without SENTRY_DSN a 500 sends nothing; with it, the event carries the request id and no personal data", async () => {
    // First without a DSN: its request id must never reach the fake, even once a later event has.
    const quiet = await failingLogin({});
    expect(quiet.status).toBe(500);
    const quietId = quiet.headers.get("x-request-id") ?? "";

    const reported = await failingLogin({ SENTRY_DSN: dsn() });
    expect(reported.status).toBe(500);
    const requestId = reported.headers.get("x-request-id") ?? "";
    expect(requestId).not.toBe("");

    const envelope = await eventFor(requestId);
    expect(envelope.project).toBe("4242");
    expect(envelope.key).toBe(DSN_KEY);
    const event = envelope.items.find((i) => i.type === "event")?.payload as {
      exception: { values: { value: string }[] };
      request?: Record<string, unknown>;
      user?: unknown;
    };
    expect(event.exception.values.map((v) => v.value).join(" ")).toContain("D1 is on fire");
    expect(event.user).toBeUndefined();
    expect(event.request?.cookies).toBeUndefined();
    expect(event.request?.headers).toBeUndefined();
    expect(event.request?.data).toBeUndefined();
    for (const secret of [
      ...Object.values(secrets),
      "sentry-secret-session-cookie",
      "sentry-secret-bearer",
      "10.9.8.7",
      env.UPSTASH_REDIS_REST_TOKEN,
    ])
      expect(envelope.raw).not.toContain(secret);

    const all = await envelopes();
    expect(all.some((e) => e.raw.includes(quietId))).toBe(false);
    // The first import of the SDK is transformed by Vite inside the first test that loads it (4 s
    // here, more under load), hence the longer timeouts; production loads it from the bundle.
  }, 90_000);

  it("a failing cron run is reported with its schedule", async () => {
    const ctx = createExecutionContext();
    const controller = createScheduledController({ scheduledTime: Date.now(), cron: "0 * * * *" });
    const marker = crypto.randomUUID();
    const failing = { ...env, SENTRY_DSN: dsn(), DB: brokenD1(marker) };
    // The run fails (and says so to its caller); what matters here is what reached Sentry.
    await Promise.resolve(worker.scheduled(controller, failing, ctx)).catch(() => {});
    await waitOnExecutionContext(ctx).catch(() => {});
    for (;;) {
      const found = (await envelopes()).find((e) => e.raw.includes(marker));
      if (found) {
        expect(found.raw).toContain('"cron":"0 * * * *"');
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);

  it("a job given up after its last retry is reported with its queue, not its body", async () => {
    const marker = `given-up-${crypto.randomUUID()}`;
    const { batch, outcomes } = messageBatch("atas-email-dlq", [
      { key: marker, kind: "verify", to: "dead.letter@example.com" },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, SENTRY_DSN: dsn() }, ctx);
    await waitOnExecutionContext(ctx);
    expect(outcomes).toEqual(["ack"]);
    for (;;) {
      const found = (await envelopes()).find((e) =>
        e.items.some(
          (item) =>
            item.type === "event" &&
            (item.payload as { tags?: Record<string, string> }).tags?.queue === "atas-email" &&
            JSON.stringify(item.payload).includes("given up"),
        ),
      );
      if (found) {
        expect(found.raw).not.toContain("dead.letter@example.com");
        expect(found.raw).not.toContain(marker);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);
});
