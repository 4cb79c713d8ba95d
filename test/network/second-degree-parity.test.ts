import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GraphChange, GraphUser, SecondDegree } from "../../worker/src/adapters/second-degree/interface";
import { neo4jSecondDegree } from "../../worker/src/adapters/second-degree/neo4j";
import { block, unblock } from "../../worker/src/blocks/services/blocks";
import { createDb } from "../../worker/src/db/client";
import { d1SecondDegree } from "../../worker/src/network/second-degree-d1";
import { d1SecondDegreeSet } from "../../worker/src/network/second-degree-set";
import { connect, disconnect } from "../../worker/src/network/services/edges";
import { systemContext } from "../../worker/src/shared/context";
import { adaptersFor } from "../../worker/src/wiring";

/**
 * The SecondDegree implementations give the same answers: the D1 two-hop query (the reference), D1's
 * candidate set kept by triggers (migrations/0034), and the Neo4j adapter against the Query API
 * stand-in, which runs the adapter's Cypher on Kùzu (an embedded Cypher engine). Experts, people,
 * mutual counts, via lists and their order must match exactly. The stand-in database "parity" is this
 * file's alone, so no other test's resync empties it.
 */
const neo4j = neo4jSecondDegree({
  queryUrl: env.FAKE_NEO4J_URL,
  user: "neo4j",
  password: "test-password",
  database: "parity",
});
const d1 = d1SecondDegree(createDb(env.DB));
const candidateSet = d1SecondDegreeSet(createDb(env.DB));

type Role = GraphUser["role"];
interface Network {
  users: { displayName: string; role: Role }[];
  /** Indexes into users; either way round, repeats and self-loops allowed (both paths drop them). */
  edges: [number, number][];
  blocks: [number, number][];
}

/** Writes one network to D1 and, through the adapter's mirror writes, to the stand-in; ids are unique to the call. */
async function store(network: Network) {
  const tag = crypto.randomUUID().slice(0, 8);
  const id = (i: number) => `${tag}-${String(i).padStart(2, "0")}`;
  const pairs = new Map<string, [string, string]>();
  for (const [x, y] of network.edges) {
    if (x === y) continue;
    const [a, b] = [id(x), id(y)].sort() as [string, string];
    pairs.set(`${a} ${b}`, [a, b]);
  }
  const blocks = new Map<string, [string, string]>();
  for (const [x, y] of network.blocks) if (x !== y) blocks.set(`${x} ${y}`, [id(x), id(y)]);

  const insertUser = env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', ?, ?, 0, 0)",
  );
  const insertEdge = env.DB.prepare(
    "insert into connections (user_id, peer_id, source, created_at) values (?, ?, 'connection', 0)",
  );
  const insertBlock = env.DB.prepare(
    "insert into blocks (blocker_id, blocked_id, created_at) values (?, ?, 0)",
  );
  await env.DB.batch([
    ...network.users.map((u, i) => insertUser.bind(id(i), `${id(i)}@parity.test`, u.displayName, u.role)),
    ...[...pairs.values()].flatMap(([a, b]) => [insertEdge.bind(a, b), insertEdge.bind(b, a)]),
    ...[...blocks.values()].map(([blocker, blocked]) => insertBlock.bind(blocker, blocked)),
  ]);
  const changes: GraphChange[] = [
    ...network.users.map((u, i) => ({ op: "user" as const, user: { id: id(i), ...u } })),
    // Given either way round, as the queue does; the adapter stores each pair once.
    ...[...pairs.values()].map(([a, b], k) => ({
      op: "connect" as const,
      ...(k % 2 ? { a, b } : { a: b, b: a }),
      source: "connection",
    })),
    ...[...blocks.values()].map(([blocker, blocked]) => ({ op: "block" as const, blocker, blocked })),
  ];
  await neo4j.apply(changes);
  return { id };
}

async function answers(graph: SecondDegree, userId: string, limit: number) {
  return { experts: await graph.experts(userId, limit), people: await graph.people(userId, limit) };
}

/** Both paths' answers for one user, checked equal; the D1 one is returned for further checks. */
async function same(userId: string, limit = 10) {
  const fromD1 = await answers(d1, userId, limit);
  expect(await answers(neo4j, userId, limit)).toEqual(fromD1);
  expect(await answers(candidateSet, userId, limit)).toEqual(fromD1);
  return fromD1;
}

const ids = (found: { userId: string }[]) => found.map((r) => r.userId);

const networks = fc.integer({ min: 2, max: 12 }).chain((size) => {
  const index = fc.integer({ min: 0, max: size - 1 });
  return fc.record({
    users: fc.array(
      fc.record({
        // Few names, so via lists have ties on the name; mixed case, so the order is not ASCII's.
        displayName: fc.constantFrom("ana", "Ana", "ben", "Zed", "zoe", "Émile"),
        role: fc.constantFrom<Role>("student", "student", "expert", "club", "admin"),
      }),
      { minLength: size, maxLength: size },
    ),
    edges: fc.array(fc.tuple(index, index), { maxLength: size * 4 }),
    blocks: fc.array(fc.tuple(index, index), { maxLength: 3 }),
    limit: fc.integer({ min: 1, max: 6 }),
  });
});

describe("the D1 two-hop query, D1's candidate set and the Neo4j path (on Kùzu) answer alike", () => {
  it("on random networks: every user's experts and people, mutual counts, via lists and order", async () => {
    await fc.assert(
      fc.asyncProperty(networks, async (network) => {
        const { id } = await store(network);
        for (let i = 0; i < network.users.length; i++) await same(id(i), network.limit);
      }),
      { numRuns: 30 },
    );
    // Each run is a few dozen requests to the stand-in; a failure also shrinks, which takes longer.
  }, 120_000);

  it("ties: equal mutual counts go by id, also where the limit cuts between them", async () => {
    const u = (displayName: string, role: Role = "student") => ({ displayName, role });
    // 0 me; 1, 2 friends; 3, 4 experts each through both friends; 5 an expert through one.
    const { id } = await store({
      users: [u("Me"), u("Friend B"), u("Friend A"), u("E", "expert"), u("E", "expert"), u("F", "expert")],
      edges: [
        [0, 1],
        [0, 2],
        [1, 3],
        [2, 3],
        [4, 1],
        [4, 2],
        [5, 1],
      ],
      blocks: [],
    });
    const all = await same(id(0));
    expect(ids(all.experts)).toEqual([id(3), id(4), id(5)]);
    expect(all.experts[0]?.via).toEqual([
      { userId: id(2), displayName: "Friend A" },
      { userId: id(1), displayName: "Friend B" },
    ]);
    expect(ids((await same(id(0), 1)).experts)).toEqual([id(3)]);
  });

  it("via lists come in the same order whatever the case or accents of the names", async () => {
    const u = (displayName: string, role: Role = "student") => ({ displayName, role });
    const { id } = await store({
      users: [u("Me"), u("Zed"), u("ana"), u("Émile"), u("Ana"), u("Expert", "expert")],
      edges: [
        [0, 1],
        [0, 2],
        [0, 3],
        [0, 4],
        [1, 5],
        [2, 5],
        [3, 5],
        [4, 5],
      ],
      blocks: [],
    });
    const [expert] = (await same(id(0))).experts;
    expect(expert?.via).toHaveLength(4);
  });

  it("blocks either way remove the person as a result and as a mutual; self and direct connections never appear", async () => {
    const u = (displayName: string, role: Role = "student") => ({ displayName, role });
    // 0 me; 1 friend; 2 blocked friend (me blocks); 3 expert through 1 and 2; 4 expert who blocks me;
    // 5 expert me knows directly, also through 1; 6 a student through 1 and 2.
    const { id } = await store({
      users: [
        u("Me"),
        u("Friend"),
        u("Blocked"),
        u("X", "expert"),
        u("Y", "expert"),
        u("Z", "expert"),
        u("S"),
      ],
      edges: [
        [0, 1],
        [0, 2],
        [1, 3],
        [2, 3],
        [1, 4],
        [0, 5],
        [1, 5],
        [1, 6],
        [2, 6],
        [1, 0],
      ],
      blocks: [
        [0, 2],
        [4, 0],
      ],
    });
    const mine = await same(id(0));
    expect(mine.experts).toEqual([
      { userId: id(3), expertId: id(3), via: [{ userId: id(1), displayName: "Friend" }] },
    ]);
    expect(ids(mine.people)).toEqual([id(6)]);
    // From the friend's side: me is two hops from no one I am directly connected to, and never myself.
    const theirs = await same(id(1));
    expect(ids(theirs.people)).not.toContain(id(1));
  });

  it("a role change moves a person between experts and people on both paths", async () => {
    const u = (displayName: string, role: Role = "student") => ({ displayName, role });
    const { id } = await store({
      users: [u("Me"), u("Friend"), u("Rising")],
      edges: [
        [0, 1],
        [1, 2],
      ],
      blocks: [],
    });
    expect(ids((await same(id(0))).people)).toEqual([id(2)]);
    await env.DB.prepare("update users set role = 'expert' where id = ?").bind(id(2)).run();
    await neo4j.apply([{ op: "user", user: { id: id(2), displayName: "Rising", role: "expert" } }]);
    const after = await same(id(0));
    expect(ids(after.experts)).toEqual([id(2)]);
    expect(after.people).toEqual([]);
    await env.DB.prepare("update users set role = 'admin' where id = ?").bind(id(2)).run();
    await neo4j.apply([{ op: "user", user: { id: id(2), displayName: "Rising", role: "admin" } }]);
    expect(await same(id(0))).toEqual({ experts: [], people: [] });
  });
});

/**
 * The candidate set is maintained by the writes themselves: after any sequence of connects,
 * disconnects, blocks, unblocks, role changes and account deletions made through the app's own
 * verbs (or SQL where the app has none), every user's stored rows equal a recount from scratch, and
 * every user's read equals the two-hop reference. Deterministic: fast-check's seed is fixed.
 */
describe("D1's candidate set after random edge, block and role changes", () => {
  const ctx = systemContext(env, adaptersFor(env));
  const scenarios = fc.integer({ min: 3, max: 10 }).chain((size) => {
    const index = fc.integer({ min: 0, max: size - 1 });
    const pair = (op: "connect" | "disconnect" | "block" | "unblock") =>
      fc.record({ op: fc.constant(op), a: index, b: index });
    return fc.record({
      roles: fc.array(fc.constantFrom<Role>("student", "expert", "expert", "club"), {
        minLength: size,
        maxLength: size,
      }),
      ops: fc.array(
        fc.oneof(
          { arbitrary: pair("connect"), weight: 6 },
          { arbitrary: pair("disconnect"), weight: 2 },
          { arbitrary: pair("block"), weight: 1 },
          { arbitrary: pair("unblock"), weight: 1 },
          {
            arbitrary: fc.record({
              op: fc.constant("role" as const),
              a: index,
              role: fc.constantFrom<Role>("student", "expert", "admin"),
            }),
            weight: 2,
          },
          { arbitrary: fc.record({ op: fc.constant("delete" as const), a: index }), weight: 1 },
        ),
        { minLength: 5, maxLength: 40 },
      ),
    });
  });

  /** Every (user, expert, count) a from-scratch two-hop count gives for these users. */
  async function recount(ids: string[]) {
    const list = JSON.stringify(ids);
    const [stored, fresh] = await env.DB.batch<{ user_id: string; expert_id: string; mutuals: number }>([
      env.DB.prepare(
        "select user_id, expert_id, mutuals from second_degree_experts where user_id in (select value from json_each(?)) order by 1, 2",
      ).bind(list),
      env.DB.prepare(
        `select e1.user_id, e2.peer_id as expert_id, count(*) as mutuals
         from connections e1 join connections e2 on e2.user_id = e1.peer_id join users t on t.id = e2.peer_id
         where e1.user_id in (select value from json_each(?)) and t.role = 'expert' and e2.peer_id <> e1.user_id
         group by 1, 2 order by 1, 2`,
      ).bind(list),
    ]);
    return { stored: stored?.results, fresh: fresh?.results };
  }

  it("stored counts equal a recount, and every user's experts equal the two-hop query's", async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ roles, ops }) => {
        const { id } = await store({
          users: roles.map((role, i) => ({ displayName: `P${i % 3}`, role })),
          edges: [],
          blocks: [],
        });
        const live = new Set(roles.map((_, i) => i));
        for (const step of ops) {
          if (!live.has(step.a) || ("b" in step && !live.has(step.b))) continue;
          const [a, b] = [id(step.a), "b" in step ? id(step.b) : ""];
          if (step.op === "connect") {
            // The app's own paths never connect people who block each other; connect() itself does not check.
            const blocked = await env.DB.prepare(
              "select 1 from blocks where (blocker_id = ?1 and blocked_id = ?2) or (blocker_id = ?2 and blocked_id = ?1)",
            )
              .bind(a, b)
              .first();
            if (!blocked) await connect(ctx, a, b, "connection");
          } else if (step.op === "disconnect") await disconnect(ctx, a, b);
          else if (step.op === "block") {
            if (a !== b) await block(ctx, a, b);
          } else if (step.op === "unblock") await unblock(ctx, a, b);
          else if (step.op === "role")
            await env.DB.prepare("update users set role = ? where id = ?").bind(step.role, a).run();
          else {
            // No account deletion in the app yet: the row goes, and the cascade removes its edges.
            await env.DB.prepare("delete from users where id = ?").bind(a).run();
            live.delete(step.a);
          }
        }
        const everyone = roles.map((_, i) => id(i));
        const { stored, fresh } = await recount(everyone);
        expect(stored).toEqual(fresh);
        for (const i of live) {
          const reference = await d1.experts(id(i), 100);
          expect(await candidateSet.experts(id(i), 100)).toEqual(reference);
          expect(await candidateSet.expertCounts(id(i), 3)).toEqual(
            reference.slice(0, 3).map((r) => ({ userId: r.userId, mutuals: r.via.length })),
          );
        }
      }),
      { numRuns: 25, seed: 15 },
    );
  }, 120_000);
});
