import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { count, person, uploadedImage } from "../support/link";

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

  it("runs a write that returns rows once, and counts what it wrote", async () => {
    const author = await person({ campusId: "um" });
    const posted = await call("/api/notes", {
      cookie: author.cookie,
      json: {
        title: "Measured",
        body: "A note",
        visibility: "public",
        imageIds: [await uploadedImage(author)],
      },
      headers: { "x-atas-measure": "d1" },
    });
    expect(posted.status).toBe(201);
    const { note } = (await posted.json()) as { note: { id: string } };
    const commented = await call(`/api/notes/${note.id}/comments`, {
      cookie: author.cookie,
      json: { body: "Measured comment" },
      headers: { "x-atas-measure": "d1" },
    });
    expect(commented.status).toBe(201);
    expect(Number(commented.headers.get("x-d1-rows-written"))).toBeGreaterThanOrEqual(1);
    expect(await count("select count(*) as n from comments where note_id = ?", note.id)).toBe(1);
  });
});
