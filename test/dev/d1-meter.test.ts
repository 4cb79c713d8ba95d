import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { person } from "../support/link";

describe("the D1 measurement mode", () => {
  it("reports rows read and returned when asked, and nothing otherwise", async () => {
    const measured = await call("/api/campuses", { headers: { "x-atas-measure": "d1" } });
    const body = (await measured.json()) as { campuses: unknown[] };
    expect(Number(measured.headers.get("x-d1-rows-returned"))).toBe(body.campuses.length);
    expect(Number(measured.headers.get("x-d1-rows-read"))).toBeGreaterThanOrEqual(body.campuses.length);
    expect(Number(measured.headers.get("x-d1-queries"))).toBe(1);
    expect(Number(measured.headers.get("x-d1-round-trips"))).toBe(1);
    const withSql = await call("/api/campuses", { headers: { "x-atas-measure": "d1+sql" } });
    const statements = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.from(atob(withSql.headers.get("x-d1-statements") ?? ""), (c) => c.charCodeAt(0)),
      ),
    ) as { sql: string; params: unknown[] }[];
    expect(statements).toHaveLength(1);
    expect(statements[0]?.sql).toMatch(/from "campuses"/);
    const plain = await call("/api/campuses");
    expect(plain.headers.get("x-d1-rows-read")).toBeNull();
    expect(Number(measured.headers.get("x-d1-rows-written"))).toBe(0);
  });

  it("reports rows written by a write", async () => {
    const reader = await person();
    const follow = () =>
      call("/api/topic-follows/robotics", {
        method: "PUT",
        cookie: reader.cookie,
        headers: { "x-atas-measure": "d1" },
      });
    const first = await follow();
    expect(first.status).toBeLessThan(300);
    expect(Number(first.headers.get("x-d1-rows-written"))).toBeGreaterThanOrEqual(1);
  });
});
