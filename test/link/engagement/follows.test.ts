import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../../support/http";
import { count, del, person, put } from "../../support/link";

const followNotices = (userId: string) =>
  count("select count(*) as n from notifications where user_id = ? and type = 'follow'", userId);

describe("follow notifications are deduplicated", () => {
  it("follow, unfollow, follow: the followee hears of it once that day", async () => {
    const [fan, star] = await Promise.all([person(), person()]);
    for (let i = 0; i < 3; i++) {
      expect((await put(`/api/follows/${star.id}`, fan)).status).toBe(200);
      expect((await del(`/api/follows/${star.id}`, fan)).status).toBe(200);
    }
    expect((await put(`/api/follows/${star.id}`, fan)).status).toBe(200);
    expect(await followNotices(star.id)).toBe(1);
  });

  it("concurrent follow/unfollow toggles still leave one notice; another follower's is their own", async () => {
    const [fan, other, star] = await Promise.all([person(), person(), person()]);
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0 ? put(`/api/follows/${star.id}`, fan) : del(`/api/follows/${star.id}`, fan),
      ),
    );
    await put(`/api/follows/${star.id}`, fan);
    await put(`/api/follows/${star.id}`, other);
    expect(await followNotices(star.id)).toBe(2);
  });
});

describe("follow and unfollow are rate-limited per account", () => {
  it("60 follow/unfollow changes an hour, then 429 with Retry-After; other accounts are unaffected", async () => {
    const [fan, star, bystander] = await Promise.all([person(), person(), person()]);
    for (let i = 0; i < 30; i++) {
      expect((await put(`/api/follows/${star.id}`, fan)).status).toBe(200);
      expect((await del(`/api/follows/${star.id}`, fan)).status).toBe(200);
    }
    const over = await put(`/api/follows/${star.id}`, fan);
    expect(await expectProblem(over, 429)).toMatchObject({ code: "follows" });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await del(`/api/follows/${star.id}`, fan)).status).toBe(429);
    // Rotating addresses does not help: the limit is the account's.
    expect((await call(`/api/follows/${star.id}`, { method: "PUT", cookie: fan.cookie })).status).toBe(429);
    expect((await put(`/api/follows/${star.id}`, bystander)).status).toBe(200);
  });
});
