import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
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
  it("an edit shows at once on the next read (read-your-writes)", async () => {
    const user = await signUp({ role: "expert" });
    expect((await call("/api/me", { cookie: user.cookie })).status).toBe(200);
    expect((await call(`/api/profiles/${user.id}`)).status).toBe(200);

    const patch = await call("/api/me/profile", { method: "PATCH", cookie: user.cookie, json: expertPatch });
    expect(patch.status).toBe(200);
    const me = await call("/api/me", { cookie: user.cookie });
    expect(me.headers.get("x-cache")).toBeNull();
    const body = (await me.json()) as { profile: { bio: string; expert: typeof expertPatch.expert } };
    expect(body.profile.bio).toBe(expertPatch.bio);
    expect(body.profile.expert).toEqual({
      ...expertPatch.expert,
      campusTies: [],
      verification: "unverified",
    });
    const read = await call(`/api/profiles/${user.id}`);
    expect(((await read.json()) as { profile: { bio: string } }).profile.bio).toBe(expertPatch.bio);

    await call("/api/me/profile", { method: "PATCH", cookie: user.cookie, json: { bio: "fresh" } });
    const again = await call(`/api/profiles/${user.id}`);
    expect(again.headers.get("x-cache")).toBeNull();
    expect(((await again.json()) as { profile: { bio: string } }).profile.bio).toBe("fresh");
  });

  it("public profiles omit the e-mail", async () => {
    const user = await signUp({ role: "expert" });
    await call("/api/me/profile", { method: "PATCH", cookie: user.cookie, json: expertPatch });
    const text = await (await call(`/api/profiles/${user.id}`)).text();
    expect(text).not.toContain(user.email);
    expect(JSON.parse(text).profile.expert.company).toBe("Grab");
    expect(JSON.parse(text).profile.id).toBe(user.id);
  });

  it("reading a profile and /api/me costs no store command (the usage line says so)", async () => {
    const user = await signUp({ role: "expert" });
    const printed: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
    });
    try {
      const reads = [
        { path: `/api/profiles/${user.id}`, cookie: null, route: "/api/profiles/{id}" },
        { path: "/api/me", cookie: user.cookie, route: "/api/me" },
        // The control: the expert page's track record is still cached, and the meter counts it.
        { path: `/api/experts/${user.id}`, cookie: null, route: "/api/experts/{id}" },
      ];
      for (const [i, read] of reads.entries()) {
        const requestId = `profile-read-${i}-${crypto.randomUUID().slice(0, 8)}`;
        const headers = new Headers({ "cf-ray": requestId });
        if (read.cookie) headers.set("cookie", read.cookie);
        const ctx = createExecutionContext();
        const response = await worker.fetch(
          new Request(`${ORIGIN}${read.path}`, { headers }) as Request<unknown, IncomingRequestCfProperties>,
          env,
          ctx,
        );
        await waitOnExecutionContext(ctx);
        expect(response.status).toBe(200);
        const line = await vi.waitFor(
          () => {
            const found = printed
              .flatMap((text) => {
                try {
                  return [JSON.parse(text) as { atas?: string; requestId?: string }];
                } catch {
                  return [];
                }
              })
              .find((l) => l.atas === "usage" && l.requestId === requestId);
            if (!found) throw new Error("no usage line yet");
            return found as { route: string; d1: { queries: number }; store: { commands: number } };
          },
          { timeout: 15_000, interval: 50 },
        );
        expect(line.route).toBe(read.route);
        expect(line.d1.queries).toBeGreaterThan(0);
        if (read.route === "/api/experts/{id}") expect(line.store.commands).toBeGreaterThan(0);
        else expect(line.store.commands).toBe(0);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it("serves profiles while the store is unreachable", async () => {
    const user = await signUp({ role: "student" });
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(`${ORIGIN}/api/profiles/${user.id}`) as Request<unknown, IncomingRequestCfProperties>,
      { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { profile: { id: string } }).profile.id).toBe(user.id);
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
