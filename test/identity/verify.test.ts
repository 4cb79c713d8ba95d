import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../worker/src/shared/crypto";
import { call, expectProblem, freshIp, json, PASSWORD, tokenFrom, waitForMail } from "../support/http";

/** Registers `email` and returns the token from its verification mail. */
async function registered(email: string): Promise<string> {
  const response = await call("/api/auth/register", {
    ip: freshIp(),
    json: { email, password: PASSWORD, displayName: "Many Labels", role: "student" },
  });
  if (response.status !== 202) throw new Error(`register: ${response.status} ${await response.text()}`);
  return tokenFrom((await waitForMail(email, "Confirm")).text);
}

const usedAt = async (token: string) =>
  (
    await env.DB.prepare("select used_at from email_tokens where id = ?")
      .bind(await sha256(token))
      .first<{ used_at: number | null }>()
  )?.used_at;

describe("verifying an address with very many domain labels", () => {
  it("answers 400 for more than 100 labels and leaves the token unspent", async () => {
    // 120 labels: as many as a 254-character address can carry.
    const host = `${"a.".repeat(119)}my`;
    const email = `x${crypto.randomUUID().slice(0, 4)}@${host}`;
    expect(host.split(".")).toHaveLength(120);
    const token = await registered(email);
    const problem = await expectProblem(await call("/api/auth/verify", { json: { token } }), 400);
    expect(problem.detail).toMatch(/domain/i);
    expect(await usedAt(token)).toBeNull();
    // A second try gets the same clear answer, not "already used".
    const again = await expectProblem(await call("/api/auth/verify", { json: { token } }), 400);
    expect(again.detail).toBe(problem.detail);
  });

  it("verifies an address of exactly 100 labels, matching no campus", async () => {
    const email = `y${crypto.randomUUID().slice(0, 4)}@${"b.".repeat(99)}my`;
    const token = await registered(email);
    const body = await json<{ verified: boolean; campusId: string | null }>(
      await call("/api/auth/verify", { json: { token } }),
    );
    expect(body).toMatchObject({ verified: true, campusId: null });
    expect(await usedAt(token)).toEqual(expect.any(Number));
  });

  it("still finds the campus of a deep sub-domain of a campus domain", async () => {
    const email = `z${crypto.randomUUID().slice(0, 4)}@${"c.".repeat(40)}siswa.um.edu.my`;
    const token = await registered(email);
    const body = await json<{ campusId: string | null }>(await call("/api/auth/verify", { json: { token } }));
    expect(body.campusId).toBe("um");
  });
});
