import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { GraphChange, GraphUser } from "../../worker/src/adapters/second-degree/interface";
import {
  CYPHER,
  Neo4jQueryError,
  neo4jSecondDegree,
  RESYNC_BATCH,
} from "../../worker/src/adapters/second-degree/neo4j";
import { createDb } from "../../worker/src/db/client";
import type { Env } from "../../worker/src/env";
import { adaptersFor } from "../../worker/src/wiring";
import type { FakeNeo4jGraph, FakeNeo4jRequest } from "../support/fake-neo4j";

const AUTH = { user: "neo4j", password: "test-password" };

/** The adapter against the fake Query API server; "atas" is the database only the resync test empties. */
const neo4j = (overrides: Partial<Parameters<typeof neo4jSecondDegree>[0]> = {}) =>
  neo4jSecondDegree({ queryUrl: env.FAKE_NEO4J_URL, ...AUTH, ...overrides });

/** Ids unique to one test, so tests and test files can share the fake's graph. */
function people() {
  const tag = crypto.randomUUID().slice(0, 8);
  const id = (name: string) => `${tag}-${name}`;
  const user = (name: string, displayName: string, role: GraphUser["role"]): GraphChange => ({
    op: "user",
    user: { id: id(name), displayName, role },
  });
  const connect = (a: string, b: string): GraphChange => ({
    op: "connect",
    a: id(a),
    b: id(b),
    source: "connection",
  });
  const block = (blocker: string, blocked: string): GraphChange => ({
    op: "block",
    blocker: id(blocker),
    blocked: id(blocked),
  });
  return { tag, id, user, connect, block };
}

async function requests(marker: string) {
  const all = (await (await fetch(`${env.FAKE_NEO4J_URL}/__requests`)).json()) as FakeNeo4jRequest[];
  return all.filter((r) => JSON.stringify(r.body).includes(marker));
}

async function storedGraph(database: string, tag?: string): Promise<FakeNeo4jGraph> {
  const graph = (await (await fetch(`${env.FAKE_NEO4J_URL}/__graph/${database}`)).json()) as FakeNeo4jGraph;
  if (!tag) return graph;
  return {
    users: graph.users.filter((u) => u.id.startsWith(tag)),
    connected: graph.connected.filter((c) => c.from.startsWith(tag)),
    blocked: graph.blocked.filter((b) => b.blocker.startsWith(tag)),
    constraints: graph.constraints,
  };
}

/**
 * me — aisyah, weiJie, ravi, shunned (me blocks shunned), direct (an expert me knows already).
 * Experts two hops out: popular (aisyah, weiJie, and shunned, who does not count), loneA and loneB
 * (ravi each), onlyViaShunned, refused (blocked by me), blocksMe (blocks me), direct (excluded).
 * Others two hops out: farStudent (aisyah, ravi), farClub (weiJie), admin (never suggested),
 * avoider (blocks me).
 */
function network() {
  const p = people();
  const changes: GraphChange[] = [
    p.user("me", "Me", "student"),
    p.user("z-aisyah", "Aisyah", "student"),
    p.user("a-weijie", "Wei Jie", "student"),
    p.user("ravi", "Ravi", "club"),
    p.user("shunned", "Shunned", "student"),
    p.user("direct", "Direct Expert", "expert"),
    p.user("popular", "Popular Expert", "expert"),
    p.user("lone-b", "Lone B", "expert"),
    p.user("lone-a", "Lone A", "expert"),
    p.user("only-via-shunned", "Hidden Expert", "expert"),
    p.user("refused", "Refused Expert", "expert"),
    p.user("blocks-me", "Blocking Expert", "expert"),
    p.user("far-student", "Far Student", "student"),
    p.user("far-club", "Far Club", "club"),
    p.user("admin", "Admin", "admin"),
    p.user("avoider", "Avoider", "student"),
    // Wei Jie before Aisyah, so the order the mutuals arrive in is not already the answer.
    p.connect("me", "a-weijie"),
    p.connect("z-aisyah", "me"),
    p.connect("me", "ravi"),
    p.connect("me", "shunned"),
    p.connect("me", "direct"),
    p.block("me", "shunned"),
    p.connect("z-aisyah", "a-weijie"),
    p.connect("z-aisyah", "direct"),
    p.connect("a-weijie", "popular"),
    p.connect("popular", "z-aisyah"),
    p.connect("shunned", "popular"),
    p.connect("ravi", "lone-b"),
    p.connect("ravi", "lone-a"),
    p.connect("shunned", "only-via-shunned"),
    p.connect("z-aisyah", "refused"),
    p.block("me", "refused"),
    p.connect("a-weijie", "blocks-me"),
    p.block("blocks-me", "me"),
    p.connect("ravi", "far-student"),
    p.connect("z-aisyah", "far-student"),
    p.connect("a-weijie", "far-club"),
    p.connect("z-aisyah", "admin"),
    p.connect("z-aisyah", "avoider"),
    p.block("avoider", "me"),
  ];
  const via = (...names: [string, string][]) =>
    names.map(([name, displayName]) => ({ userId: p.id(name), displayName }));
  return { ...p, changes, via };
}

describe("SecondDegree, Neo4j Query API", () => {
  it("finds experts two hops away, ranked by mutual connections then id, with all their mutuals", async () => {
    const n = network();
    const graph = neo4j();
    await graph.apply(n.changes);

    const expected = [
      {
        userId: n.id("popular"),
        expertId: n.id("popular"),
        via: n.via(["z-aisyah", "Aisyah"], ["a-weijie", "Wei Jie"]),
      },
      { userId: n.id("lone-a"), expertId: n.id("lone-a"), via: n.via(["ravi", "Ravi"]) },
      { userId: n.id("lone-b"), expertId: n.id("lone-b"), via: n.via(["ravi", "Ravi"]) },
    ];
    expect(await graph.experts(n.id("me"), 10)).toEqual(expected);
    expect(await graph.experts(n.id("me"), 2)).toEqual(expected.slice(0, 2));
    expect(await graph.experts(n.id("me"), 0)).toEqual([]);
    expect(await graph.experts(n.id("nobody"), 10)).toEqual([]);
  });

  it("finds people who are not experts or admins the same way", async () => {
    const n = network();
    const graph = neo4j();
    await graph.apply(n.changes);

    expect(await graph.people(n.id("me"), 10)).toEqual([
      { userId: n.id("far-student"), via: n.via(["z-aisyah", "Aisyah"], ["ravi", "Ravi"]) },
      { userId: n.id("far-club"), via: n.via(["a-weijie", "Wei Jie"]) },
    ]);
    expect(await graph.people(n.id("me"), 1)).toHaveLength(1);
    // From Ravi's side: me's circle is two hops away; me's block on Shunned is not Ravi's.
    expect((await graph.people(n.id("ravi"), 10)).map((r) => [r.userId, r.via.length])).toEqual([
      [n.id("z-aisyah"), 2],
      [n.id("a-weijie"), 1],
      [n.id("shunned"), 1],
    ]);
  });

  it("stores one relationship per pair whichever way round, and applying a batch twice is applying it once", async () => {
    const n = network();
    const graph = neo4j();
    await graph.apply(n.changes);
    const once = await storedGraph("neo4j", n.tag);
    const answers = [await graph.experts(n.id("me"), 10), await graph.people(n.id("me"), 10)];

    await graph.apply(n.changes);
    await graph.apply([n.connect("a-weijie", "me"), n.connect("me", "a-weijie")]);
    expect(await storedGraph("neo4j", n.tag)).toEqual(once);
    expect([await graph.experts(n.id("me"), 10), await graph.people(n.id("me"), 10)]).toEqual(answers);
    expect(once.users).toHaveLength(16);
    expect(once.connected).toHaveLength(n.changes.filter((c) => c.op === "connect").length);
    for (const edge of once.connected) expect(edge.from < edge.to).toBe(true);
    expect(once.blocked).toHaveLength(4);
  });

  it("takes disconnect and unblock into account, and a batch ends as its changes would one by one", async () => {
    const p = people();
    const graph = neo4j();
    await graph.apply([
      p.user("me", "Me", "student"),
      p.user("friend", "Friend", "student"),
      p.user("expert", "Expert", "expert"),
      p.connect("me", "friend"),
      p.connect("friend", "expert"),
    ]);
    const found = async () => (await graph.experts(p.id("me"), 10)).map((e) => e.expertId);
    expect(await found()).toEqual([p.id("expert")]);

    await graph.apply([{ op: "disconnect", a: p.id("expert"), b: p.id("friend") }]);
    expect(await found()).toEqual([]);
    await graph.apply([p.connect("friend", "expert")]);
    expect(await found()).toEqual([p.id("expert")]);

    await graph.apply([p.block("expert", "me")]);
    expect(await found()).toEqual([]);
    await graph.apply([{ op: "unblock", blocker: p.id("expert"), blocked: p.id("me") }]);
    expect(await found()).toEqual([p.id("expert")]);

    // A blocked mutual is no route.
    await graph.apply([p.block("me", "friend")]);
    expect(await found()).toEqual([]);
    await graph.apply([{ op: "unblock", blocker: p.id("me"), blocked: p.id("friend") }]);
    expect(await found()).toEqual([p.id("expert")]);

    // Within one batch the last change to a pair wins.
    await graph.apply([
      { op: "disconnect", a: p.id("friend"), b: p.id("expert") },
      p.connect("expert", "friend"),
      p.block("me", "expert"),
      { op: "unblock", blocker: p.id("me"), blocked: p.id("expert") },
    ]);
    expect(await found()).toEqual([p.id("expert")]);
    await graph.apply([
      p.connect("friend", "expert"),
      { op: "disconnect", a: p.id("expert"), b: p.id("friend") },
    ]);
    expect(await found()).toEqual([]);
  });

  it("accepts a connection before its people and fills them in when they arrive", async () => {
    const p = people();
    const graph = neo4j();
    await graph.apply([p.connect("me", "friend"), p.connect("friend", "expert")]);
    expect(await graph.experts(p.id("me"), 10)).toEqual([]);
    await graph.apply([
      p.user("me", "Me", "student"),
      p.user("friend", "Friend", "student"),
      p.user("expert", "Expert", "expert"),
    ]);
    expect(await graph.experts(p.id("me"), 10)).toEqual([
      {
        userId: p.id("expert"),
        expertId: p.id("expert"),
        via: [{ userId: p.id("friend"), displayName: "Friend" }],
      },
    ]);
  });

  it("resync replaces the whole graph, in batches, after making sure of the uniqueness constraint", async () => {
    const p = people();
    const mirror = neo4j({ database: "atas" });
    await mirror.apply([
      p.user("me", "Me", "student"),
      p.user("old-friend", "Old Friend", "student"),
      p.user("old-expert", "Old Expert", "expert"),
      p.connect("me", "old-friend"),
      p.connect("old-friend", "old-expert"),
    ]);
    expect(await mirror.experts(p.id("me"), 10)).toHaveLength(1);

    const crowd: GraphUser[] = Array.from({ length: RESYNC_BATCH * 2 + 50 }, (_, i) => ({
      id: p.id(`crowd-${String(i).padStart(4, "0")}`),
      displayName: `Crowd ${i}`,
      role: "student",
    }));
    const users: GraphUser[] = [
      { id: p.id("me"), displayName: "Me", role: "student" },
      { id: p.id("friend"), displayName: "Friend", role: "student" },
      { id: p.id("expert"), displayName: "New Expert", role: "expert" },
      { id: p.id("old-expert"), displayName: "Old Expert", role: "expert" },
      ...crowd,
    ];
    // D1 keeps each connection twice, once from each side; the mirror stores it once.
    const edges = [
      { a: p.id("me"), b: p.id("friend"), source: "connection" },
      { a: p.id("friend"), b: p.id("me"), source: "connection" },
      { a: p.id("friend"), b: p.id("expert"), source: "invitation" },
      ...crowd.map((c) => ({ a: p.id("friend"), b: c.id, source: "connection" })),
    ];
    await mirror.resync({ users, edges, blocks: [{ blocker: p.id("me"), blocked: p.id("crowd-0000") }] });

    const stored = await storedGraph("atas");
    expect(stored.constraints).toEqual(["user_id"]);
    expect(stored.users).toHaveLength(users.length);
    expect(stored.connected).toHaveLength(2 + crowd.length);
    expect(stored.connected).toContainEqual({
      from: p.id("expert"),
      to: p.id("friend"),
      source: "invitation",
    });
    expect(stored.blocked).toEqual([{ blocker: p.id("me"), blocked: p.id("crowd-0000") }]);
    expect(await mirror.experts(p.id("me"), 10)).toEqual([
      {
        userId: p.id("expert"),
        expertId: p.id("expert"),
        via: [{ userId: p.id("friend"), displayName: "Friend" }],
      },
    ]);
    const crowdFound = await mirror.people(p.id("me"), 5000);
    expect(crowdFound).toHaveLength(crowd.length - 1);
    expect(crowdFound[0]?.userId).toBe(p.id("crowd-0001"));

    const all = (await (await fetch(`${env.FAKE_NEO4J_URL}/__requests`)).json()) as FakeNeo4jRequest[];
    const resync = all.slice(
      all.findLastIndex((r) => (r.body as { statement?: string }).statement === CYPHER.constraint),
    );
    expect(resync.map((r) => (r.body as { statement: string }).statement).slice(0, 2)).toEqual([
      CYPHER.constraint,
      CYPHER.clear,
    ]);
    const loads = resync
      .slice(2, 9)
      .map((r) => (r.body as { parameters: Record<string, unknown[]> }).parameters);
    expect(loads.map((l) => [l.users?.length, l.connects?.length, l.blocks?.length])).toEqual([
      [RESYNC_BATCH, 0, 0],
      [RESYNC_BATCH, 0, 0],
      [users.length - 2 * RESYNC_BATCH, 0, 0],
      [0, RESYNC_BATCH, 0],
      [0, RESYNC_BATCH, 0],
      [0, edges.length - 1 - 2 * RESYNC_BATCH, 0],
      [0, 0, 1],
    ]);
  });

  it("sends each statement from CYPHER with Basic auth, JSON and its values as parameters", async () => {
    const n = network();
    const graph = neo4j();
    await graph.apply(n.changes);
    await graph.experts(n.id("me"), 3);

    const [apply, experts] = await requests(n.tag);
    for (const request of [apply, experts]) {
      expect(request?.method).toBe("POST");
      expect(request?.path).toBe("/db/neo4j/query/v2");
      expect(request?.headers.authorization).toBe(`Basic ${btoa("neo4j:test-password")}`);
      expect(request?.headers["content-type"]).toBe("application/json");
      expect(request?.headers.accept).toBe("application/json");
      expect(JSON.stringify((request?.body as { statement: string } | undefined)?.statement)).not.toContain(
        n.tag,
      );
    }
    expect(experts?.body).toEqual({
      statement: CYPHER.experts,
      parameters: { userId: n.id("me"), limit: 3 },
    });
    const applied = apply?.body as { statement: string; parameters: Record<string, unknown[]> };
    expect(applied.statement).toBe(CYPHER.apply);
    expect(applied.parameters.users).toContainEqual({
      id: n.id("z-aisyah"),
      displayName: "Aisyah",
      role: "student",
    });
    expect(applied.parameters.connects).toContainEqual({
      a: n.id("me"),
      b: n.id("z-aisyah"),
      source: "connection",
    });
    expect(applied.parameters.blocks).toContainEqual({ blocker: n.id("blocks-me"), blocked: n.id("me") });
    expect(applied.parameters.disconnects).toEqual([]);
    expect(applied.parameters.unblocks).toEqual([]);
  });

  it("uses a query URL that already ends in /query/v2 as it is", async () => {
    const p = people();
    const graph = neo4j({ queryUrl: `${env.FAKE_NEO4J_URL}/db/atas/query/v2/`, database: "ignored" });
    await graph.experts(p.id("me"), 1);
    const [sent] = await requests(p.tag);
    expect(sent?.path).toBe("/db/atas/query/v2");
  });

  it("fails with Neo4j's code and message on 4xx, and names the status on 5xx or no answer", async () => {
    const p = people();
    const wrong = neo4j({ password: "wrong" });
    const refused = await wrong.experts(p.id("me"), 10).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Neo4jQueryError);
    expect(refused).toMatchObject({ status: 401, code: "Neo.ClientError.Security.Unauthorized" });
    expect(String(refused)).toContain("Neo.ClientError.Security.Unauthorized");
    expect(String(refused)).toContain("Invalid username or password.");
    await expect(wrong.apply([p.user("me", "Me", "student")])).rejects.toThrow(/401/);

    await expect(neo4j({ database: "elsewhere" }).people(p.id("me"), 10)).rejects.toThrow(
      /Neo\.ClientError\.Database\.DatabaseNotFound/,
    );
    const down = await neo4j({ database: "unavailable" })
      .experts(p.id("me"), 10)
      .catch((error: unknown) => error);
    expect(down).toMatchObject({ status: 503, code: "Neo.TransientError.General.DatabaseUnavailable" });
    expect(String(down)).toContain("503");
    const gone = await neo4j({ queryUrl: "http://127.0.0.1:9" })
      .experts(p.id("me"), 10)
      .catch((error: unknown) => error);
    expect(gone).toMatchObject({ status: null });
    expect(String(gone)).toContain("unreachable");
  });

  it("the fake answers only the adapter's statements, checked by the Cypher parser", async () => {
    const headers = {
      authorization: `Basic ${btoa("neo4j:test-password")}`,
      "content-type": "application/json",
    };
    const post = async (body: unknown) => {
      const response = await fetch(`${env.FAKE_NEO4J_URL}/db/neo4j/query/v2`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as { errors: { code: string }[] } };
    };
    const typo = await post({
      statement: CYPHER.experts.replace("RETURN", "RETRN"),
      parameters: { userId: "x", limit: 1 },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.errors[0]?.code).toBe("Neo.ClientError.Statement.SyntaxError");
    const unknown = await post({ statement: "MATCH (u:User) RETURN u.id AS id", parameters: {} });
    expect(unknown.body.errors[0]?.code).toBe("Neo.ClientError.Statement.SyntaxError");
    const missing = await post({ statement: CYPHER.experts, parameters: { userId: "x" } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]?.code).toBe("Neo.ClientError.Statement.ParameterMissing");
    const noStatement = await post({ parameters: {} });
    expect(noStatement.body.errors[0]?.code).toBe("Neo.ClientError.Request.Invalid");
  });

  it("is what configuration picks when NEO4J_QUERY_URL is set, and the mirror is null without it", async () => {
    const n = network();
    const configured: Env = {
      ...env,
      NEO4J_QUERY_URL: env.FAKE_NEO4J_URL,
      NEO4J_USER: "neo4j",
      NEO4J_PASSWORD: "test-password",
    };
    await adaptersFor(configured).graphMirror?.apply(n.changes);
    const found = await adaptersFor(configured, createDb(env.DB)).graph.experts(n.id("me"), 1);
    expect(found.map((e) => e.expertId)).toEqual([n.id("popular")]);

    expect(adaptersFor({ ...env, NEO4J_QUERY_URL: undefined }).graphMirror).toBeNull();
    await expect(
      adaptersFor({ ...env, NEO4J_QUERY_URL: undefined }, createDb(env.DB)).graph.experts(n.id("me"), 1),
    ).resolves.toEqual([]);
  });
});
