import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adaptersFor } from "../worker/src/wiring";

/** Configuration alone picks each adapter, in one place; verbs only ever see the result. */
describe("adaptersFor", () => {
  it("defaults to the local twins: dev outbox, local drafter, D1 graph without a mirror", async () => {
    const adapters = adaptersFor(env);
    expect(adapters.drafter.name).toBe("local");
    expect(adapters.graphMirror).toBeNull();
    const key = `wiring:${crypto.randomUUID()}`;
    await adapters.mailer.send({ to: "a@example.com", subject: "Hi", text: "Hi", html: "<p>Hi</p>" }, key);
    expect(
      await env.DB.prepare("select count(*) as n from outbox_mails where id = ?").bind(key).first(),
    ).toEqual({
      n: 1,
    });
    expect(await adapters.graph.experts(crypto.randomUUID(), 5)).toEqual([]);
  });

  it("builds each adapter once, and only when used", () => {
    // A mailer misconfiguration fails the work that mails, not every request that builds adapters.
    const adapters = adaptersFor({ ...env, MAILER: "resend", RESEND_API_KEY: undefined });
    expect(adapters.store).toBe(adapters.store);
    expect(adapters.graph).toBe(adapters.graph);
    expect(() => adapters.mailer).toThrow("RESEND_API_KEY");
  });

  it("Neo4j, when configured, answers the graph questions and is the mirror", () => {
    const adapters = adaptersFor({ ...env, NEO4J_QUERY_URL: env.FAKE_NEO4J_URL });
    expect(adapters.graphMirror).not.toBeNull();
    expect(adapters.graph).toBe(adapters.graphMirror);
  });
});
