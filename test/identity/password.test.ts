import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  call,
  expectProblem,
  mailsTo,
  PASSWORD,
  sessionCookie,
  signUp,
  tokenFrom,
  uniqueEmail,
  waitForMail,
} from "../support/http";

const NEW_PASSWORD = "a much longer passphrase 2026";

describe("password reset", () => {
  it("mails a single-use link; the reset ends every session and the new password works", async () => {
    const user = await signUp();
    const forgot = await call("/api/auth/password/forgot", { json: { email: user.email } });
    expect(forgot.status).toBe(202);
    const token = tokenFrom((await waitForMail(user.email, "Reset your ATAS password")).text);
    const reset = await call("/api/auth/password/reset", { json: { token, password: NEW_PASSWORD } });
    expect(reset.status).toBe(200);
    await expectProblem(await call("/api/me", { cookie: user.cookie }), 401);
    await expectProblem(
      await call("/api/auth/password/reset", { json: { token, password: NEW_PASSWORD } }),
      400,
    );
    expect((await call("/api/auth/login", { json: { email: user.email, password: PASSWORD } })).status).toBe(
      401,
    );
    expect(
      (await call("/api/auth/login", { json: { email: user.email, password: NEW_PASSWORD } })).status,
    ).toBe(200);
    await waitForMail(user.email, "password was changed");
  });

  it("answers the same for an unknown address and sends nothing", async () => {
    const email = uniqueEmail("unknown");
    const response = await call("/api/auth/password/forgot", { json: { email } });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: "check-your-email" });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mailsTo(email)).toEqual([]);
  });

  it("an expired link is refused; a refused password does not spend the link", async () => {
    const user = await signUp();
    await call("/api/auth/password/forgot", { json: { email: user.email } });
    const token = tokenFrom((await waitForMail(user.email, "Reset")).text);
    await expectProblem(
      await call("/api/auth/password/reset", { json: { token, password: "password1" } }),
      400,
    );
    await env.DB.prepare("update email_tokens set expires_at = 1 where purpose = 'reset' and user_id = ?")
      .bind(user.id)
      .run();
    await expectProblem(
      await call("/api/auth/password/reset", { json: { token, password: NEW_PASSWORD } }),
      400,
    );
  });

  it("limits reset mails per address", async () => {
    const email = uniqueEmail("flood");
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call("/api/auth/password/forgot", { json: { email } })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
  });
});

describe("password change", () => {
  it("keeps this session and ends the others", async () => {
    const user = await signUp();
    const other = sessionCookie(
      await call("/api/auth/login", { json: { email: user.email, password: PASSWORD } }),
    );
    const change = await call("/api/auth/password/change", {
      cookie: user.cookie,
      json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(change.status).toBe(200);
    expect((await call("/api/me", { cookie: user.cookie })).status).toBe(200);
    await expectProblem(await call("/api/me", { cookie: other }), 401);
  });

  it("needs the current password, a session and CSRF proof", async () => {
    const user = await signUp();
    const json = { currentPassword: "not it at all", newPassword: NEW_PASSWORD };
    await expectProblem(await call("/api/auth/password/change", { cookie: user.cookie, json }), 400);
    await expectProblem(
      await call("/api/auth/password/change", { json: { ...json, currentPassword: PASSWORD } }),
      401,
    );
    await expectProblem(
      await call("/api/auth/password/change", {
        cookie: user.cookie,
        noCsrf: true,
        json: { ...json, currentPassword: PASSWORD },
      }),
      403,
    );
  });
});
