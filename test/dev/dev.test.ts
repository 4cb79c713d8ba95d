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
});
