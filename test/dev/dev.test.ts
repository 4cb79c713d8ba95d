import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../support/entry";
import { call, ORIGIN, PASSWORD, uniqueEmail, waitForMail } from "../support/http";

describe("dev tools", () => {
  it("/dev/mail.json lists the outbox as {to, subject, text, html, createdAt}", async () => {
    const email = uniqueEmail("box");
    await call("/api/auth/register", {
      json: { email, password: PASSWORD, displayName: "Box", role: "student" },
    });
    await waitForMail(email, "Confirm");
    const mails = (await (await call("/dev/mail.json")).json()) as Record<string, string>[];
    const mail = mails.find((m) => m.to === email);
    expect(Object.keys(mail ?? {}).sort()).toEqual(["createdAt", "html", "subject", "text", "to"]);
    expect(new Date(mail?.createdAt ?? "").getTime()).toBeGreaterThan(0);
  });

  it("the outbox and the seeder do not exist in production", async () => {
    for (const path of ["/dev/mail.json", "/dev/seed"]) {
      const ctx = createExecutionContext();
      const response = await worker.fetch!(
        new Request(`${ORIGIN}${path}`, { method: path.endsWith("seed") ? "POST" : "GET" }) as Request<
          unknown,
          IncomingRequestCfProperties
        >,
        { ...env, APP_ENV: "production" },
        ctx,
      );
      expect(response.status).toBe(404);
    }
  });

  it("seeds the demo platform idempotently", async () => {
    const first = (await (await call("/dev/seed", { method: "POST" })).json()) as {
      accounts: Record<string, number>;
    };
    const second = (await (await call("/dev/seed", { method: "POST" })).json()) as {
      accounts: Record<string, number>;
    };
    expect(second.accounts).toEqual(first.accounts);
    const seeded = await env.DB.prepare(
      "select role, count(*) as n from users where email like '%atas.dev' or email like 'student__@%' or email like 'club.%' group by role order by role",
    ).all();
    expect(seeded.results).toEqual([
      { role: "admin", n: 1 },
      { role: "club", n: 3 },
      { role: "expert", n: 24 },
      { role: "student", n: 50 },
    ]);
    const industries = await env.DB.prepare(
      "select count(distinct industry) as n from expert_profiles",
    ).first<{ n: number }>();
    expect(industries?.n).toBeGreaterThanOrEqual(15);
    const login = await call("/api/auth/login", {
      json: { email: "student01@siswa.um.edu.my", password: "atas-demo-2026" },
    });
    expect(login.status).toBe(200);
  });

  it("seeds atas-link so a first visit sees notes with pictures, a following feed and trending topics", async () => {
    await call("/dev/seed", { method: "POST" });
    const trendingBefore = (await (await call("/api/topics/trending")).json()) as {
      topics: { topic: string; score: number }[];
    };
    await call("/dev/seed", { method: "POST" });
    const discover = (await (await call("/api/feed/discover?limit=30")).json()) as {
      notes: { id: string; images: { id: string }[] }[];
    };
    expect(discover.notes.length).toBeGreaterThanOrEqual(20);
    const picture = await call(`/api/note-images/${discover.notes[0]?.images[0]?.id}/display`);
    expect(picture.headers.get("content-type")).toBe("image/png");
    expect([...new Uint8Array(await picture.arrayBuffer()).slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);

    const trending = (await (await call("/api/topics/trending")).json()) as typeof trendingBefore;
    expect(trending.topics.map((t) => t.topic)).toContain("internship");
    // Seeding again counts nothing twice (scores move only by the seconds of decay between runs).
    expect(trending.topics.map((t) => t.topic)).toEqual(trendingBefore.topics.map((t) => t.topic));
    trending.topics.forEach((t, i) => {
      expect(t.score / (trendingBefore.topics[i]?.score ?? 1)).toBeCloseTo(1, 2);
    });

    const login = await call("/api/auth/login", {
      json: { email: "student01@siswa.um.edu.my", password: "atas-demo-2026" },
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const following = (await (await call("/api/feed/following", { cookie })).json()) as { notes: unknown[] };
    expect(following.notes.length).toBeGreaterThanOrEqual(5);
  });
});
