import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, freshIp, mailsTo, PASSWORD, uniqueEmail, waitForMail } from "../support/http";

describe("POST /api/auth/register", () => {
  it("creates the account, answers 202 at once and queues the verification mail", async () => {
    const email = uniqueEmail("new");
    const response = await call("/api/auth/register", {
      json: { email, password: PASSWORD, displayName: "Nur Aina", role: "student" },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "check-your-email" });
    const user = await env.DB.prepare("select role, email_verified_at from users where email = ?")
      .bind(email)
      .first();
    expect(user).toEqual({ role: "student", email_verified_at: null });
    const mail = await waitForMail(email, "Confirm your ATAS e-mail");
    expect(mail.text).toMatch(/\/verify\?token=[A-Za-z0-9_-]{43}/);
  });

  it("answers an existing address exactly the same and mails it a notice instead", async () => {
    const email = uniqueEmail("twice");
    const body = { email, password: PASSWORD, displayName: "First", role: "expert" };
    const first = await call("/api/auth/register", { json: body });
    const second = await call("/api/auth/register", {
      json: { ...body, displayName: "Second", role: "student" },
    });
    expect(second.status).toBe(first.status);
    expect(await second.json()).toEqual(await first.json());
    await waitForMail(email, "You already have an ATAS account");
    const rows = await env.DB.prepare("select display_name, role from users where email = ?")
      .bind(email)
      .all();
    expect(rows.results).toEqual([{ display_name: "First", role: "expert" }]);
  });

  it("creates the role's profile row with the account", async () => {
    const email = uniqueEmail("club");
    await call("/api/auth/register", {
      json: { email, password: PASSWORD, displayName: "Robotics Club", role: "club" },
    });
    const row = await env.DB.prepare(
      "select c.user_id from club_profiles c join users u on u.id = c.user_id where u.email = ?",
    )
      .bind(email)
      .first();
    expect(row).not.toBeNull();
  });

  it.each([
    [{ email: "not-an-email", password: PASSWORD, displayName: "X", role: "student" }, "email"],
    [{ email: uniqueEmail(), password: "short", displayName: "X", role: "student" }, "password"],
    [{ email: uniqueEmail(), password: "password123", displayName: "X", role: "student" }, "password"],
    [{ email: uniqueEmail(), password: PASSWORD, displayName: "X", role: "admin" }, "role"],
    [{ email: uniqueEmail(), password: PASSWORD, displayName: "", role: "student" }, "displayName"],
    [{ email: uniqueEmail(), password: PASSWORD, displayName: "X", role: "student", extra: 1 }, ""],
  ])("refuses bad input %# with a 400 problem and writes nothing", async (body, field) => {
    const response = await call("/api/auth/register", { json: body });
    const problem = await expectProblem(response, 400);
    expect(JSON.stringify(problem)).toContain(field);
    const rows = await env.DB.prepare("select count(*) as n from users where email = ?")
      .bind(String(body.email).toLowerCase())
      .first();
    expect(rows).toEqual({ n: 0 });
  });

  it("refuses malformed JSON with 400, a wrong content type with 415, and a body over 1 MB with 413", async () => {
    const malformed = await call("/api/auth/register", {
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    await expectProblem(malformed, 400);
    const form = await call("/api/auth/register", {
      body: "email=a@b.c",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await expectProblem(form, 415);
    const huge = await call("/api/auth/register", {
      body: JSON.stringify({
        email: uniqueEmail(),
        password: "x".repeat(1_100_000),
        displayName: "Big",
        role: "student",
      }),
      headers: { "content-type": "application/json" },
    });
    await expectProblem(huge, 413);
  });

  it("refuses a request without CSRF proof or from a foreign origin", async () => {
    const email = uniqueEmail("csrf");
    const json = { email, password: PASSWORD, displayName: "X", role: "student" };
    await expectProblem(await call("/api/auth/register", { json, noCsrf: true }), 403);
    await expectProblem(
      await call("/api/auth/register", { json, headers: { origin: "https://evil.example" } }),
      403,
    );
    expect(await mailsTo(email)).toEqual([]);
  });

  it("limits registrations per IP with 429 and Retry-After", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 12; i++) {
      const response = await call("/api/auth/register", {
        ip,
        json: { email: uniqueEmail("burst"), password: PASSWORD, displayName: "Burst", role: "student" },
      });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(limited?.headers.get("retry-after")).toMatch(/^\d+$/);
    if (limited) await expectProblem(limited, 429);
  });
});
