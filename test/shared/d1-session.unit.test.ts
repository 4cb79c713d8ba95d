import { describe, expect, it, vi } from "vitest";
import { openSession, sessionStart, validBookmark } from "../../worker/src/shared/d1-session";

const B1 = `00000001-00000002-00000003-${"a".repeat(32)}`;
const B2 = `00000001-00000002-00000004-${"a".repeat(32)}`;

/**
 * A D1 stand-in: each session answers `rows` for every statement (or fails, if its start is in
 * `refused`), records what ran where, and advances its bookmark as a replica would.
 */
function fakeD1(refused: string[] = [], failOnce?: { sql: string }) {
  const ran: { start: string | undefined; sql: string; params: unknown[] }[] = [];
  const withSession = (start?: string) => {
    let bookmark: string | null = null;
    const execute = async (sql: string, params: unknown[]) => {
      if (start && refused.includes(start)) throw new Error("D1_SESSION_ERROR");
      if (failOnce && failOnce.sql === sql) {
        failOnce.sql = "";
        throw new Error("SQLITE_CONSTRAINT");
      }
      ran.push({ start, sql, params });
      bookmark = B2;
      return { results: [{ sql }], meta: {}, success: true };
    };
    const prepare = (sql: string, params: unknown[] = []) => ({
      bind: (...values: unknown[]) => prepare(sql, values),
      all: () => execute(sql, params),
      run: () => execute(sql, params),
      raw: () => execute(sql, params).then((r) => r.results.map((row) => Object.values(row))),
      first: () => execute(sql, params).then((r) => r.results[0] ?? null),
      sql,
      params,
    });
    return {
      prepare,
      batch: async (statements: { sql: string; params: unknown[] }[]) =>
        Promise.all(statements.map((s) => execute(s.sql, s.params))),
      getBookmark: () => bookmark,
    };
  };
  const primary = { withSession: vi.fn(withSession), exec: vi.fn(), dump: vi.fn() };
  return { primary: primary as unknown as D1Database, withSession: primary.withSession, ran };
}

describe("where a request's D1 session starts", () => {
  const request = (method: string, headers: Record<string, string> = {}) =>
    new Request("http://127.0.0.1:8787/api/x", { method, headers });

  it("writes start on the primary whatever bookmark they carry; reads start from a valid bookmark", () => {
    expect(sessionStart(request("POST", { "x-d1-bookmark": B1 }))).toEqual({ from: "first-primary" });
    expect(sessionStart(request("DELETE"))).toEqual({ from: "first-primary" });
    expect(sessionStart(request("GET", { "x-d1-bookmark": B1 }))).toEqual({ from: "bookmark", bookmark: B1 });
    expect(sessionStart(request("GET", { cookie: `atas_d1=${B2}`, "x-d1-bookmark": B1 }))).toEqual({
      from: "bookmark",
      bookmark: B2,
    });
    expect(sessionStart(request("HEAD", { cookie: "atas_d1=nope" }))).toEqual({
      from: "first-unconstrained",
    });
  });

  it("accepts only D1's bookmark shape", () => {
    expect(validBookmark(B1)).toBe(B1);
    for (const bad of ["", " ", `${B1} `, B1.toUpperCase(), `${B1}0`, "first-primary", "a-b-c-d"])
      expect(validBookmark(bad)).toBeNull();
  });
});

describe("openSession", () => {
  it("runs statements and batches on one session and reports its bookmark", async () => {
    const d1 = fakeD1();
    const session = openSession(d1.primary, { from: "first-unconstrained" });
    expect(session.bookmark()).toBeNull();
    await session.database.prepare("select 1").bind(7).all();
    await session.database.batch([
      session.database.prepare("insert 1"),
      session.database.prepare("select 2"),
    ]);
    expect(d1.withSession).toHaveBeenCalledTimes(1);
    expect(d1.ran.map((r) => [r.start, r.sql, r.params])).toEqual([
      ["first-unconstrained", "select 1", [7]],
      ["first-unconstrained", "insert 1", []],
      ["first-unconstrained", "select 2", []],
    ]);
    expect(session.bookmark()).toBe(B2);
  });

  it("a refused bookmark moves the session to the primary once, even with first queries in parallel", async () => {
    const d1 = fakeD1([B1]);
    const session = openSession(d1.primary, { from: "bookmark", bookmark: B1 });
    const rows = await Promise.all([
      session.database.prepare("select a").all(),
      session.database.prepare("select b").raw(),
      session.database.batch([session.database.prepare("select c")]),
    ]);
    expect(rows).toHaveLength(3);
    expect(session.fellBack).toBe(true);
    expect(d1.withSession.mock.calls).toEqual([[B1], ["first-primary"]]);
    expect(new Set(d1.ran.map((r) => r.start))).toEqual(new Set(["first-primary"]));
  });

  it("once D1 took the bookmark, a failing statement is the statement's own error: no retry", async () => {
    const d1 = fakeD1([], { sql: "insert dup" });
    const session = openSession(d1.primary, { from: "bookmark", bookmark: B1 });
    await session.database.prepare("select ok").all();
    await expect(session.database.prepare("insert dup").run()).rejects.toThrow("SQLITE_CONSTRAINT");
    expect(session.fellBack).toBe(false);
    expect(d1.withSession).toHaveBeenCalledTimes(1);
  });

  it("a session started on the primary or unconstrained never retries", async () => {
    const d1 = fakeD1(["first-primary"]);
    const session = openSession(d1.primary, { from: "first-primary" });
    await expect(session.database.prepare("select 1").all()).rejects.toThrow("D1_SESSION_ERROR");
    expect(d1.withSession).toHaveBeenCalledTimes(1);
  });
});
