import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, PASSWORD, signUp, tokenFrom, uniqueEmail, waitFor } from "../support/http";

const NEW_PASSWORD = "a much longer passphrase 2026";
const NEWER_PASSWORD = "yet another long passphrase 2027";

/** The tokens of the mails to `to` whose subject has `subject`, oldest first, once there are `count`. */
async function linksIn(to: string, subject: string, count: number): Promise<string[]> {
  const rows = await waitFor(
    `${count} "${subject}" mails to ${to}`,
    async () =>
      (
        await env.DB.prepare(
          'select text from outbox_mails where "to" = ? and subject like ? order by created_at, rowid',
        )
          .bind(to, `%${subject}%`)
          .all<{ text: string }>()
      ).results,
    (found) => found.length >= count,
  );
  return rows.map((row) => tokenFrom(row.text));
}

describe("mailed links die when a newer one is used or the password changes", () => {
  it("using the newer reset link refuses the older one", async () => {
    const user = await signUp();
    await call("/api/auth/password/forgot", { json: { email: user.email } });
    await call("/api/auth/password/forgot", { json: { email: user.email } });
    const [older, newer] = await linksIn(user.email, "Reset your ATAS password", 2);
    expect(
      (await call("/api/auth/password/reset", { json: { token: newer, password: NEW_PASSWORD } })).status,
    ).toBe(200);
    await expectProblem(
      await call("/api/auth/password/reset", { json: { token: older, password: NEWER_PASSWORD } }),
      400,
    );
  });

  it("using the older reset link refuses the newer one too", async () => {
    const user = await signUp();
    await call("/api/auth/password/forgot", { json: { email: user.email } });
    await call("/api/auth/password/forgot", { json: { email: user.email } });
    const [older, newer] = await linksIn(user.email, "Reset your ATAS password", 2);
    expect(
      (await call("/api/auth/password/reset", { json: { token: older, password: NEW_PASSWORD } })).status,
    ).toBe(200);
    await expectProblem(
      await call("/api/auth/password/reset", { json: { token: newer, password: NEWER_PASSWORD } }),
      400,
    );
  });

  it("changing the password refuses an outstanding reset link", async () => {
    const user = await signUp();
    await call("/api/auth/password/forgot", { json: { email: user.email } });
    const [link] = await linksIn(user.email, "Reset your ATAS password", 1);
    const change = await call("/api/auth/password/change", {
      cookie: user.cookie,
      json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(change.status).toBe(200);
    await expectProblem(
      await call("/api/auth/password/reset", { json: { token: link, password: NEWER_PASSWORD } }),
      400,
    );
  });

  it("using one verification link refuses the other", async () => {
    const email = uniqueEmail("twice");
    await call("/api/auth/register", {
      json: { email, password: PASSWORD, displayName: "Aida", role: "student" },
    });
    await call("/api/auth/verify/resend", { json: { email } });
    const [first, second] = await linksIn(email, "Confirm", 2);
    expect((await call("/api/auth/verify", { json: { token: second } })).status).toBe(200);
    await expectProblem(await call("/api/auth/verify", { json: { token: first } }), 400);
  });
});
