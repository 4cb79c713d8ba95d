import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../support/entry";
import { call, expectProblem, ORIGIN, signUp } from "../support/http";

const expertPatch = {
  bio: "I build payment systems.",
  expert: {
    headline: "Staff Engineer",
    company: "Grab",
    industry: "Fintech",
    skills: ["go", "payments"],
    topics: ["scaling payments"],
    yearsExperience: 12,
    availability: [{ weekday: 2, start: "19:00", end: "21:00", timeZone: "Asia/Kuala_Lumpur" }],
    acceptingInvitations: true,
  },
};

describe("profiles", () => {
  it("GET /api/me misses then hits the cache; PATCH invalidates it", async () => {
    const user = await signUp({ role: "expert" });
    const first = await call("/api/me", { cookie: user.cookie });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("miss");
    const second = await call("/api/me", { cookie: user.cookie });
    expect(second.headers.get("x-cache")).toBe("hit");

    const patch = await call("/api/me/profile", { method: "PATCH", cookie: user.cookie, json: expertPatch });
    expect(patch.status).toBe(200);
    const after = await call("/api/me", { cookie: user.cookie });
    expect(after.headers.get("x-cache")).toBe("miss");
    const body = (await after.json()) as { profile: { bio: string; expert: typeof expertPatch.expert } };
    expect(body.profile.bio).toBe(expertPatch.bio);
    expect(body.profile.expert).toEqual({
      ...expertPatch.expert,
      campusTies: [],
      verification: "unverified",
    });
    expect((await call("/api/me", { cookie: user.cookie })).headers.get("x-cache")).toBe("hit");
  });

  it("public profiles omit the e-mail and go through the cache", async () => {
    const user = await signUp({ role: "expert" });
    await call("/api/me/profile", { method: "PATCH", cookie: user.cookie, json: expertPatch });
    const a = await call(`/api/profiles/${user.id}`);
    const b = await call(`/api/profiles/${user.id}`);
    expect([a.headers.get("x-cache"), b.headers.get("x-cache")]).toEqual(["miss", "hit"]);
    const text = await b.text();
    expect(text).not.toContain(user.email);
    expect(JSON.parse(text).profile.expert.company).toBe("Grab");
    expect(JSON.parse(text).profile.id).toBe(user.id);
  });

  it("a stale reader cannot put old data back after a write (version fence)", async () => {
    const user = await signUp({ role: "student" });
    await call(`/api/profiles/${user.id}`);
    // Simulate the race: a reader that loaded before the write stores its old copy late, tagged with the old version.
    const stale = await call(`/api/profiles/${user.id}`);
    const staleBody = await stale.text();
    await call("/api/me/profile", { method: "PATCH", cookie: user.cookie, json: { bio: "fresh" } });
    const { redisClient } = await import("../../worker/src/adapters/store/upstash");
    const redis = redisClient(env);
    await redis.set(`profile:${user.id}`, JSON.stringify({ v: "0", d: JSON.parse(staleBody).profile }));
    const read = await call(`/api/profiles/${user.id}`);
    expect(read.headers.get("x-cache")).toBe("miss");
    expect(((await read.json()) as { profile: { bio: string } }).profile.bio).toBe("fresh");
  });

  it("serves profiles from D1 when the cache is unreachable", async () => {
    const user = await signUp({ role: "student" });
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(`${ORIGIN}/api/profiles/${user.id}`) as Request<unknown, IncomingRequestCfProperties>,
      { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-cache")).toBe("miss");
  });

  it("validates the patch per role and refuses another role's fields", async () => {
    const student = await signUp({ role: "student" });
    await expectProblem(
      await call("/api/me/profile", { method: "PATCH", cookie: student.cookie, json: expertPatch }),
      403,
    );
    await expectProblem(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: student.cookie,
        json: { student: { year: 42 } },
      }),
      400,
    );
    await expectProblem(
      await call("/api/me/profile", { method: "PATCH", cookie: student.cookie, json: { nickname: "x" } }),
      400,
    );
    await expectProblem(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: student.cookie,
        json: { campusId: "nowhere" },
      }),
      400,
    );
    const ok = await call("/api/me/profile", {
      method: "PATCH",
      cookie: student.cookie,
      json: { campusId: "nus", student: { major: "Law", year: 2, interests: ["moot court"] } },
    });
    expect(ok.status).toBe(200);
  });

  it("a campus set by a verified campus e-mail cannot be changed by hand", async () => {
    const user = await signUp({
      role: "student",
      email: `v-${crypto.randomUUID().slice(0, 6)}@siswa.um.edu.my`,
    });
    await expectProblem(
      await call("/api/me/profile", { method: "PATCH", cookie: user.cookie, json: { campusId: "nus" } }),
      403,
    );
  });

  it("a club names student officers only; a named student serves once they accept", async () => {
    const club = await signUp({ role: "club" });
    const student = await signUp({ role: "student", displayName: "Officer One" });
    const expert = await signUp({ role: "expert" });
    await expectProblem(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: club.cookie,
        json: { club: { officers: [{ userId: expert.id, title: "President" }] } },
      }),
      400,
    );
    const ok = await call("/api/me/profile", {
      method: "PATCH",
      cookie: club.cookie,
      json: { club: { name: "Robotics", officers: [{ userId: student.id, title: "President" }] } },
    });
    const body = (await ok.json()) as { profile: { club: { officers: { displayName: string }[] } } };
    expect(body.profile.club.officers).toEqual([]);
    const { pending } = (await (await call("/api/me/clubs", { cookie: student.cookie })).json()) as {
      pending: { invitationId: string }[];
    };
    const accept = await call(`/api/officer-invitations/${pending[0]?.invitationId}/accept`, {
      method: "POST",
      cookie: student.cookie,
    });
    expect(accept.status).toBe(200);
    const after = (await (await call(`/api/profiles/${club.id}`)).json()) as {
      profile: { club: { officers: { displayName: string }[] } };
    };
    expect(after.profile.club.officers.map((o) => o.displayName)).toEqual(["Officer One"]);
    // Serving the club, by the student's yes, connects the officer and the club in the network.
    const edge = await env.DB.prepare("select source from connections where user_id = ? and peer_id = ?")
      .bind(student.id, club.id)
      .first<{ source: string }>();
    expect(edge?.source).toBe("club");
  });

  it("who may not: no session, no CSRF proof, unknown profile, bad id", async () => {
    const user = await signUp();
    await expectProblem(await call("/api/me"), 401);
    await expectProblem(await call("/api/me/profile", { method: "PATCH", json: { bio: "x" } }), 401);
    await expectProblem(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: user.cookie,
        noCsrf: true,
        json: { bio: "x" },
      }),
      403,
    );
    await expectProblem(await call(`/api/profiles/${crypto.randomUUID()}`), 404);
    await expectProblem(await call("/api/profiles/not-a-uuid"), 400);
  });
});
