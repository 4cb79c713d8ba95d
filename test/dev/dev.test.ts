import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../support/entry";
import { call, expectProblem, ORIGIN, PASSWORD, uniqueEmail, waitForMail } from "../support/http";

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
      const response = await worker.fetch(
        new Request(`${ORIGIN}${path}`, { method: path.endsWith("seed") ? "POST" : "GET" }) as Request<
          unknown,
          IncomingRequestCfProperties
        >,
        { ...env, APP_ENV: "production", APP_ORIGIN: "https://atas.example" },
        ctx,
      );
      expect(response.status).toBe(404);
    }
  });

  it("/dev mutations need the CSRF proof like /api", async () => {
    await expectProblem(await call("/dev/seed", { method: "POST", noCsrf: true }), 403);
    await expectProblem(
      await call("/dev/seed", { method: "POST", headers: { origin: "https://evil.example" } }),
      403,
    );
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
    // Demo officers said yes: each office has its accepted invitation, and nothing is left pending.
    const offices = await env.DB.prepare(
      `select u.email, i.status from club_officers o join users u on u.id = o.user_id
       left join officer_invitations i on i.club_id = o.club_id and i.user_id = o.user_id and i.status = 'accepted'
       where o.club_id = (select id from users where email = 'club.computing@siswa.um.edu.my') order by u.email`,
    ).all();
    expect(offices.results).toEqual([
      { email: "student01@siswa.um.edu.my", status: "accepted" },
      { email: "student06@siswa.um.edu.my", status: "accepted" },
    ]);
    // The seed's connections filled the experts candidate set (migration 0034's triggers): it is
    // not empty and equals a recount.
    const [stored, recount] = await env.DB.batch([
      env.DB.prepare("select user_id, expert_id, mutuals from second_degree_experts order by 1, 2"),
      env.DB.prepare(
        `select e1.user_id, e2.peer_id as expert_id, count(*) as mutuals
         from connections e1 join connections e2 on e2.user_id = e1.peer_id join users t on t.id = e2.peer_id
         where t.role = 'expert' and e2.peer_id <> e1.user_id group by 1, 2 order by 1, 2`,
      ),
    ]);
    expect(stored?.results).toEqual(recount?.results);
    expect(stored?.results.length).toBeGreaterThan(0);
    // Demo experts are vetted, so the directory shows them by default.
    const vetted = await env.DB.prepare(
      "select count(*) as n from expert_profiles join users on users.id = expert_profiles.user_id where users.email like '%@experts.atas.dev' and verification = 'verified'",
    ).first<{ n: number }>();
    expect(vetted?.n).toBe(24);
    const login = await call("/api/auth/login", {
      json: { email: "student01@siswa.um.edu.my", password: "atas-demo-2026" },
    });
    expect(login.status).toBe(200);
  });

  it("seeds atas-link: notes with real pictures, follows, likes and a following feed", async () => {
    // The discovery sets and trending lists are global keys in the one Redis every test file shares,
    // so they are checked in the browser tests (one platform), not here; timelines are per person.
    await call("/dev/seed", { method: "POST" });
    await call("/dev/seed", { method: "POST" });
    const seeded = await env.DB.prepare(
      "select count(*) as notes, (select count(*) from note_images where note_id is not null) as images, (select count(*) from note_likes) as likes from notes",
    ).first<{ notes: number; images: number; likes: number }>();
    expect(seeded?.notes).toBe(24);
    expect(seeded?.images).toBeGreaterThanOrEqual(48);
    expect(seeded?.likes).toBeGreaterThan(24);

    const login = await call("/api/auth/login", {
      json: { email: "student01@siswa.um.edu.my", password: "atas-demo-2026" },
    });
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const following = (await (await call("/api/feed/following", { cookie })).json()) as {
      notes: { id: string; images: { id: string }[] }[];
    };
    expect(following.notes.length).toBeGreaterThanOrEqual(5);
    const picture = await call(`/api/note-images/${following.notes[0]?.images[0]?.id}/display`, { cookie });
    expect(picture.headers.get("content-type")).toBe("image/png");
    expect([...new Uint8Array(await picture.arrayBuffer()).slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  });
});
