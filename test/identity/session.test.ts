import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SESSION_IDLE_MS } from "../../worker/src/identity/services/sessions";
import { createWorker } from "../../worker/src/worker";
import {
  call,
  clearOfWindowEdge,
  expectProblem,
  freshIp,
  PASSWORD,
  sessionCookie,
  signUp,
  tokenFrom,
  uniqueEmail,
  waitForMail,
} from "../support/http";

async function registered(email = uniqueEmail("s", "siswa.um.edu.my")) {
  await call("/api/auth/register", {
    json: { email, password: PASSWORD, displayName: "Wei Ling", role: "student" },
  });
  return { email, mail: await waitForMail(email, "Confirm") };
}

describe("verify", () => {
  it("verifies once; a campus address gives the campus and the verified badge", async () => {
    const { email, mail } = await registered();
    const token = tokenFrom(mail.text);
    const ok = await call("/api/auth/verify", { json: { token } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ verified: true, campusId: "um", campusVerified: true });
    await expectProblem(await call("/api/auth/verify", { json: { token } }), 400);
    const row = await env.DB.prepare("select campus_id, campus_verified from users where email = ?")
      .bind(email)
      .first();
    expect(row).toEqual({ campus_id: "um", campus_verified: 1 });
  });

  it("refuses an unknown or expired token", async () => {
    await expectProblem(await call("/api/auth/verify", { json: { token: "x".repeat(43) } }), 400);
    const { email, mail } = await registered(uniqueEmail("late"));
    await env.DB.prepare(
      "update email_tokens set expires_at = 1 where user_id = (select id from users where email = ?)",
    )
      .bind(email)
      .run();
    await expectProblem(await call("/api/auth/verify", { json: { token: tokenFrom(mail.text) } }), 400);
  });

  it("resends the mail for an unverified address, and answers the same for an unknown one", async () => {
    const { email } = await registered(uniqueEmail("again"));
    const resend = await call("/api/auth/verify/resend", { json: { email } });
    expect(resend.status).toBe(202);
    const unknown = await call("/api/auth/verify/resend", { json: { email: uniqueEmail("nobody") } });
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual(await resend.json());
    const deadline = Date.now() + 10_000;
    let count = 0;
    while (Date.now() < deadline && count < 2) {
      const row = await env.DB.prepare('select count(*) as n from outbox_mails where "to" = ?')
        .bind(email)
        .first<{ n: number }>();
      count = row?.n ?? 0;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(2);
  });

  it("rate-limits resending per address", async () => {
    const email = uniqueEmail("spam");
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await call("/api/auth/verify/resend", { json: { email } })).status);
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
  });
});

describe("login and logout", () => {
  it("sets an HttpOnly SameSite=Lax session cookie with a fresh 256-bit token each login", async () => {
    const user = await signUp();
    const again = await call("/api/auth/login", { json: { email: user.email, password: PASSWORD } });
    const header = again.headers.get("set-cookie") ?? "";
    expect(header).toMatch(/HttpOnly/i);
    expect(header).toMatch(/SameSite=Lax/i);
    const token = sessionCookie(again).split("=")[1] ?? "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessionCookie(again)).not.toBe(user.cookie);
  });

  it("uses a __Host- Secure cookie over https", async () => {
    const user = await signUp();
    const secure = await call("/api/auth/login", { json: { email: user.email, password: PASSWORD } });
    expect(secure.status).toBe(200);
    const viaHttps = await SELF.fetch("https://atas.example/api/auth/login", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: "https://atas.example",
        "x-atas-csrf": "1",
        "cf-connecting-ip": freshIp(),
      },
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    });
    const header = viaHttps.headers.get("set-cookie") ?? "";
    expect(header).toMatch(/^__Host-atas_session=/);
    expect(header).toMatch(/Secure/);
    expect(header).toMatch(/Path=\//);
    expect(header).not.toMatch(/Domain=/i);
  });

  it("refuses a wrong password and an unknown address alike", async () => {
    const user = await signUp();
    const wrong = await expectProblem(
      await call("/api/auth/login", { json: { email: user.email, password: "wrong password!" } }),
      401,
    );
    const unknown = await expectProblem(
      await call("/api/auth/login", { json: { email: uniqueEmail("ghost"), password: "wrong password!" } }),
      401,
    );
    expect(wrong.detail).toBe(unknown.detail);
  });

  it("refuses an unverified account with 403 and a code", async () => {
    const { email } = await registered(uniqueEmail("unverified"));
    const problem = await expectProblem(
      await call("/api/auth/login", { json: { email, password: PASSWORD } }),
      403,
    );
    expect(problem).toMatchObject({ code: "email-unverified" });
  });

  it("limits login attempts per account and address with 429 and Retry-After", async () => {
    const user = await signUp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await call("/api/auth/login", {
        ip: user.ip,
        json: { email: user.email, password: "not the password" },
      });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // signUp's own login spent one token of the five.
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it("logout ends the session; the cookie no longer works", async () => {
    const user = await signUp();
    expect((await call("/api/me", { cookie: user.cookie })).status).toBe(200);
    const out = await call("/api/auth/logout", { method: "POST", cookie: user.cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    await expectProblem(await call("/api/me", { cookie: user.cookie }), 401);
  });

  it("logout?everywhere=true ends every session of the account", async () => {
    const user = await signUp();
    const other = sessionCookie(
      await call("/api/auth/login", { json: { email: user.email, password: PASSWORD } }),
    );
    expect(
      (await call("/api/auth/logout?everywhere=true", { method: "POST", cookie: user.cookie })).status,
    ).toBe(204);
    await expectProblem(await call("/api/me", { cookie: user.cookie }), 401);
    await expectProblem(await call("/api/me", { cookie: other }), 401);
  });

  it("limits logins per IP across accounts", async () => {
    await clearOfWindowEdge(60_000, 10_000);
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      const response = await call("/api/auth/login", {
        ip,
        json: { email: uniqueEmail("spray"), password: "not the password" },
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
  }, 20_000);

  it("logout without CSRF proof is refused and the session survives", async () => {
    const user = await signUp();
    await expectProblem(
      await call("/api/auth/logout", { method: "POST", cookie: user.cookie, noCsrf: true }),
      403,
    );
    expect((await call("/api/me", { cookie: user.cookie })).status).toBe(200);
  });

  it("an idle session expires, and so does one past its absolute lifetime", async () => {
    const idle = await signUp();
    await env.DB.prepare("update sessions set last_seen_at = ? where user_id = ?")
      .bind(Date.now() - SESSION_IDLE_MS - 1, idle.id)
      .run();
    await expectProblem(await call("/api/me", { cookie: idle.cookie }), 401);
    const old = await signUp();
    await env.DB.prepare("update sessions set expires_at = ? where user_id = ?")
      .bind(Date.now() - 1, old.id)
      .run();
    await expectProblem(await call("/api/me", { cookie: old.cookie }), 401);
  });
});

describe("sessions on reads", () => {
  it("a read may take the session from the isolate's recent ones, but one that ended stops working at once", async () => {
    const user = await signUp();
    expect((await call("/api/me", { cookie: user.cookie })).status).toBe(200);
    // Signed out in another isolate: only D1 knows.
    await env.DB.prepare("delete from sessions where user_id = ?").bind(user.id).run();
    await expectProblem(await call("/api/me", { cookie: user.cookie }), 401);
    await expectProblem(await call("/api/me", { cookie: user.cookie }), 401);
  });

  it("the feeds confirm a remembered session in their own D1 batch: one round trip, and a 401 once it ended", async () => {
    for (const feed of ["following", "discover"]) {
      const user = await signUp();
      const path = `/api/feed/${feed}?limit=5`;
      expect((await call(path, { cookie: user.cookie })).status).toBe(200);
      const again = await call(path, { cookie: user.cookie, headers: { "x-atas-measure": "d1" } });
      expect(again.status).toBe(200);
      // The feed's own batch (discover: candidates; no views for an empty page), no session lookup.
      expect(Number(again.headers.get("x-d1-round-trips"))).toBe(1);
      await env.DB.prepare("delete from sessions where user_id = ?").bind(user.id).run();
      await expectProblem(await call(path, { cookie: user.cookie }), 401);
    }
  });

  it("an expired session is refused even when remembered", async () => {
    const user = await signUp();
    expect((await call("/api/feed/following", { cookie: user.cookie })).status).toBe(200);
    await env.DB.prepare("update sessions set expires_at = ? where user_id = ?")
      .bind(Date.now() - 1, user.id)
      .run();
    await expectProblem(await call("/api/feed/following", { cookie: user.cookie }), 401);
  });

  it("a page render's API calls share one session lookup", async () => {
    const user = await signUp();
    const paths = ["/api/me", "/api/feed/following", "/api/feed/discover"];
    const worker = createWorker(async (request, _env, _ctx, api) => {
      const get = (path: string) =>
        api(
          new Request(new URL(path, request.url), {
            headers: { cookie: request.headers.get("cookie") ?? "" },
          }),
        );
      const statuses = (await Promise.all(paths.map(get))).map((r) => r.status);
      return Response.json({ statuses });
    });
    const ctx = createExecutionContext();
    const page = await worker.fetch(
      new Request("http://127.0.0.1:8787/discover", {
        headers: { cookie: user.cookie, "x-atas-measure": "timing" },
      }) as Request<unknown, IncomingRequestCfProperties>,
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(await page.json()).toEqual({ statuses: [200, 200, 200] });
    // server-timing: `session;dur=…;desc="<lookups>"`.
    expect(page.headers.get("server-timing")).toMatch(/session;dur=[\d.]+;desc="1"/);
  });
});
