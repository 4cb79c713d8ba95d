import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, signUp, waitForMail } from "../support/http";

async function adminSession() {
  await call("/dev/seed", { method: "POST" });
  const login = await call("/api/auth/login", {
    json: { email: "admin@atas.dev", password: "atas-demo-2026" },
  });
  expect(login.status).toBe(200);
  return (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

describe("admin: dead letters", () => {
  it("an admin lists parked jobs and retries one; the mail then arrives", async () => {
    const user = await signUp();
    const job = {
      kind: "password-changed",
      key: `password-changed:${crypto.randomUUID()}`,
      userId: user.id,
      origin: "http://127.0.0.1:8787",
    };
    const id = crypto.randomUUID();
    await env.DB.prepare(
      "insert into dead_letters (id, queue, key, body, created_at) values (?, 'atas-email-dlq', ?, ?, ?)",
    )
      .bind(id, job.key, JSON.stringify(job), Date.now())
      .run();
    const cookie = await adminSession();
    const list = (await (await call("/api/admin/dead-letters", { cookie })).json()) as {
      deadLetters: { id: string }[];
    };
    expect(list.deadLetters.map((d) => d.id)).toContain(id);
    const retry = await call(`/api/admin/dead-letters/${id}/retry`, { method: "POST", cookie });
    expect(retry.status).toBe(202);
    await waitForMail(user.email, "password was changed");
    await expectProblem(await call(`/api/admin/dead-letters/${id}/retry`, { method: "POST", cookie }), 404);
  });

  it("who may not: students, no session", async () => {
    const student = await signUp();
    await expectProblem(await call("/api/admin/dead-letters", { cookie: student.cookie }), 403);
    await expectProblem(await call("/api/admin/dead-letters"), 401);
    await expectProblem(
      await call(`/api/admin/dead-letters/${crypto.randomUUID()}/retry`, {
        method: "POST",
        cookie: student.cookie,
      }),
      403,
    );
  });
});
