import { describe, expect, it } from "vitest";
import { call, freshIp, PASSWORD, signUp } from "../support/http";

const NEW_PASSWORD = "a much longer passphrase 2026";
const WRONG = "not the password at all";

function login(email: string, password: string, ip: string) {
  return call("/api/auth/login", { ip, json: { email, password } });
}

describe("login throttling: a third party cannot lock the owner out", () => {
  it("many wrong passwords from many addresses leave the owner's right password working from a new address", async () => {
    const victim = await signUp();
    // Eight attacker addresses, five guesses each: 40 tries, over every per-account count (the last
    // addresses are slowed to fewer tries, which is the point: no 200 for anyone guessing).
    for (let a = 0; a < 8; a++) {
      const ip = freshIp();
      const statuses = await Promise.all(Array.from({ length: 5 }, () => login(victim.email, WRONG, ip)));
      expect(statuses.map((r) => r.status).every((s) => s === 401 || s === 429)).toBe(true);
    }
    const owner = await login(victim.email, PASSWORD, freshIp());
    expect(owner.status).toBe(200);
  }, 60_000);

  it("the same account and address is throttled, with Retry-After", async () => {
    const victim = await signUp();
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await login(victim.email, WRONG, ip);
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Even the right password waits at that address: the limit is spent before the password is checked.
    expect((await login(victim.email, PASSWORD, ip)).status).toBe(429);
    // Another account from the same address is not affected.
    const other = await signUp();
    expect((await login(other.email, PASSWORD, ip)).status).toBe(200);
  }, 30_000);

  it("under attack, each new address gets fewer tries (slowed, not refused)", async () => {
    const victim = await signUp();
    for (let a = 0; a < 8; a++) {
      const ip = freshIp();
      await Promise.all(Array.from({ length: 5 }, () => login(victim.email, WRONG, ip)));
    }
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await login(victim.email, WRONG, ip)).status);
    expect(statuses).toEqual([401, 401, 429]);
  }, 60_000);

  it("wrong current passwords on password change do not count against login, and vice versa", async () => {
    const user = await signUp();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await call("/api/auth/password/change", {
        cookie: user.cookie,
        ip: user.ip,
        json: { currentPassword: WRONG, newPassword: NEW_PASSWORD },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    // Login from the same address still works: the change counter is its own.
    expect((await login(user.email, PASSWORD, user.ip)).status).toBe(200);

    const fresh = await signUp();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await login(fresh.email, WRONG, ip)).status).toBe(401);
    expect((await login(fresh.email, WRONG, ip)).status).toBe(429);
    const change = await call("/api/auth/password/change", {
      cookie: fresh.cookie,
      ip,
      json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(change.status).toBe(200);
  }, 60_000);
});
