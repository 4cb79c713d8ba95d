import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/db/client";
import type { GraphJob } from "../../worker/src/jobs/contracts";
import { consumeGraphBatch } from "../../worker/src/jobs/graph";
import { d1SecondDegree } from "../../worker/src/network/second-degree-d1";
import { resyncGraph } from "../../worker/src/network/services/graph-sync";
import { systemContext } from "../../worker/src/shared/context";
import { adaptersFor } from "../../worker/src/wiring";
import { call, signUp } from "../support/http";
import { messageBatch } from "../support/queue";

/** The worker's env with Neo4j configured: the mirror is the local server speaking the Query API. */
const withNeo4j = {
  ...env,
  NEO4J_QUERY_URL: env.FAKE_NEO4J_URL,
  NEO4J_USER: "neo4j",
  NEO4J_PASSWORD: "test-password",
};

const batchOf = (bodies: unknown[]) => messageBatch("atas-graph", bodies);

async function person(name: string, role: "student" | "expert") {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', ?, ?, 0, 0)",
  )
    .bind(id, `${id}@sync.test`, name, role)
    .run();
  return { id, displayName: name, role };
}

describe("the graph queue and resync", () => {
  it("a batch applied twice leaves the mirror as applied once; the mirror then answers like D1", async () => {
    const [me, friend, expert] = await Promise.all([
      person("Me", "student"),
      person("Friend", "student"),
      person("Far Expert", "expert"),
    ]);
    const job: GraphJob = {
      kind: "graph",
      key: crypto.randomUUID(),
      changes: [
        ...[me, friend, expert].map((user) => ({ op: "user" as const, user: user as never })),
        { op: "connect", a: me.id, b: friend.id, source: "connection" },
        { op: "connect", a: friend.id, b: expert.id, source: "connection" },
      ],
    };
    const first = batchOf([job]);
    await consumeGraphBatch(first.batch, withNeo4j, adaptersFor(withNeo4j));
    expect(first.outcomes).toEqual(["ack"]);
    const mirror = adaptersFor(withNeo4j, createDb(env.DB)).graph;
    const once = await mirror.experts(me.id, 10);
    const again = batchOf([job]);
    await consumeGraphBatch(again.batch, withNeo4j, adaptersFor(withNeo4j));
    expect(again.outcomes).toEqual(["ack"]);
    expect(await mirror.experts(me.id, 10)).toEqual(once);
    expect(once).toEqual([
      { userId: expert.id, expertId: expert.id, via: [{ userId: friend.id, displayName: "Friend" }] },
    ]);
  });

  it("without a mirror the job is acknowledged and nothing is called; a mirror that fails gets the batch retried", async () => {
    expect(adaptersFor(env).graphMirror).toBeNull();
    const plain = batchOf([{ kind: "graph", key: "k", changes: [] }]);
    await consumeGraphBatch(plain.batch, env, adaptersFor(env));
    expect(plain.outcomes).toEqual(["ack"]);
    const down = batchOf([{ kind: "graph", key: "k", changes: [{ op: "disconnect", a: "x", b: "y" }] }]);
    const neo4jDown = { ...withNeo4j, NEO4J_QUERY_URL: "http://127.0.0.1:9" };
    await consumeGraphBatch(down.batch, neo4jDown, adaptersFor(neo4jDown));
    expect(down.outcomes).toEqual(["retry"]);
  });

  it("edges made through the API reach the queue; resync copies D1 so the mirror answers as D1 does", async () => {
    const [a, b] = await Promise.all([signUp({ displayName: "Sync A" }), signUp({ displayName: "Sync B" })]);
    const expert = await person("Sync Expert", "expert");
    await env.DB.batch([
      env.DB.prepare(
        "insert into connections (user_id, peer_id, source, created_at) values (?, ?, 'connection', 0)",
      ).bind(b.id, expert.id),
      env.DB.prepare(
        "insert into connections (user_id, peer_id, source, created_at) values (?, ?, 'connection', 0)",
      ).bind(expert.id, b.id),
    ]);
    const { id } = (await (
      await call("/api/connections/requests", { cookie: a.cookie, json: { toUserId: b.id } })
    ).json()) as {
      id: string;
    };
    expect(
      (await call(`/api/connections/requests/${id}/accept`, { method: "POST", cookie: b.cookie })).status,
    ).toBe(204);
    const counts = await resyncGraph({ ctx: systemContext(withNeo4j, adaptersFor(withNeo4j)) });
    expect(counts.edges).toBeGreaterThanOrEqual(2);
    const viaD1 = await d1SecondDegree(createDb(env.DB)).experts(a.id, 10);
    const viaNeo4j = await adaptersFor(withNeo4j, createDb(env.DB)).graph.experts(a.id, 10);
    expect(viaNeo4j).toEqual(viaD1);
    expect(viaD1.map((e) => e.userId)).toEqual([expert.id]);
  }, 20_000);
});
