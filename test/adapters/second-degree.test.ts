import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/db/client";
import { d1SecondDegree } from "../../worker/src/network/second-degree-d1";

async function person(name: string, role: "student" | "expert") {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', ?, ?, 0, 0)",
  )
    .bind(id, `${id}@graph.test`, name, role)
    .run();
  return id;
}

async function connect(a: string, b: string) {
  const insert =
    "insert into connections (user_id, peer_id, source, created_at) values (?, ?, 'connection', 0)";
  await env.DB.batch([env.DB.prepare(insert).bind(a, b), env.DB.prepare(insert).bind(b, a)]);
}

describe("SecondDegree, D1 two-hop", () => {
  it("finds experts two hops away with their mutual connections, ranked by how many", async () => {
    const me = await person("Me", "student");
    const [aisyah, weiJie, ravi] = [
      await person("Aisyah", "student"),
      await person("Wei Jie", "student"),
      await person("Ravi", "student"),
    ];
    const [popular, lone, direct, studentFar] = [
      await person("Popular Expert", "expert"),
      await person("Lone Expert", "expert"),
      await person("Direct Expert", "expert"),
      await person("Far Student", "student"),
    ];
    for (const friend of [aisyah, weiJie, ravi]) await connect(me, friend);
    await connect(me, direct);
    await connect(aisyah, popular);
    await connect(weiJie, popular);
    await connect(ravi, lone);
    await connect(aisyah, direct); // a direct connection is never a second-degree result
    await connect(aisyah, studentFar); // students are not experts

    const found = await d1SecondDegree(createDb(env.DB)).experts(me, 10);
    expect(found).toEqual([
      {
        userId: popular,
        expertId: popular,
        via: [
          { userId: aisyah, displayName: "Aisyah" },
          { userId: weiJie, displayName: "Wei Jie" },
        ],
      },
      { userId: lone, expertId: lone, via: [{ userId: ravi, displayName: "Ravi" }] },
    ]);
    expect(await d1SecondDegree(createDb(env.DB)).experts(me, 1)).toHaveLength(1);
    // The students two hops away are people I may know.
    expect(await d1SecondDegree(createDb(env.DB)).people(me, 10)).toEqual([
      { userId: studentFar, via: [{ userId: aisyah, displayName: "Aisyah" }] },
    ]);
  });
});
