import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../support/http";
import { count, del, person, put } from "../support/link";

describe("PUT /api/blocks/{userId}", () => {
  it("answers 404 for an id that is nobody, and stores nothing", async () => {
    const me = await person();
    const nobody = crypto.randomUUID();
    const problem = await expectProblem(await put(`/api/blocks/${nobody}`, me), 404);
    expect(problem.detail).toMatch(/no such user/i);
    expect(await count("select count(*) as n from blocks where blocker_id = ?", me.id)).toBe(0);
  });

  it("answers 400 for blocking yourself", async () => {
    const me = await person();
    await expectProblem(await put(`/api/blocks/${me.id}`, me), 400);
  });

  it("blocks someone real, twice is still one block, and unblocks", async () => {
    const me = await person();
    const them = await person();
    expect((await put(`/api/blocks/${them.id}`, me)).status).toBe(204);
    expect((await put(`/api/blocks/${them.id}`, me)).status).toBe(204);
    const rows = await env.DB.prepare("select blocked_id from blocks where blocker_id = ?").bind(me.id).all();
    expect(rows.results).toEqual([{ blocked_id: them.id }]);
    expect((await del(`/api/blocks/${them.id}`, me)).status).toBe(204);
    expect(await count("select count(*) as n from blocks where blocker_id = ?", me.id)).toBe(0);
  });

  it("unblocking an id that is nobody is a quiet 204 (nothing to undo)", async () => {
    const me = await person();
    expect((await del(`/api/blocks/${crypto.randomUUID()}`, me)).status).toBe(204);
  });
});

describe("GET /api/blocks/{userId}", () => {
  it("says whether you blocked them, never whether they blocked you", async () => {
    const me = await person();
    const them = await person();
    const state = async (who: typeof me, other: typeof me) =>
      (await (await call(`/api/blocks/${other.id}`, { cookie: who.cookie })).json()) as { blocked: boolean };
    expect(await state(me, them)).toEqual({ blocked: false });
    await put(`/api/blocks/${them.id}`, me);
    expect(await state(me, them)).toEqual({ blocked: true });
    expect(await state(them, me)).toEqual({ blocked: false });
  });
});
