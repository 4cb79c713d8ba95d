import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { enforce } from "../../worker/src/shared/rate-limit";
import { freshIp } from "../support/http";

/** Spends one `draftIp` token at the given instant; "pass" or the refusal's status. */
async function attempt(ip: string, now: number): Promise<"pass" | number> {
  try {
    await enforce(env, "draftIp", ip, { now });
    return "pass";
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe("the draft IP limiter: at most 5 in ANY 60 s (controlled clock)", () => {
  it("5 at t=59.9 s then 5 at t=60.1 s: the second burst is refused", async () => {
    const ip = freshIp();
    const t0 = Math.ceil(Date.now() / 60_000) * 60_000; // a window edge for any fixed-window scheme
    const first = [];
    for (let i = 0; i < 5; i++) first.push(await attempt(ip, t0 + 59_900));
    const second = [];
    for (let i = 0; i < 5; i++) second.push(await attempt(ip, t0 + 60_100));
    expect(first).toEqual(["pass", "pass", "pass", "pass", "pass"]);
    expect(second).toEqual([429, 429, 429, 429, 429]);
    // 60 s after the first burst it has left the window.
    expect(await attempt(ip, t0 + 119_899)).toBe(429);
    expect(await attempt(ip, t0 + 119_901)).toBe("pass");
  });

  it("1 at t=0, 4 at t=59.9 s, 5 at t=60.1 s: only 1 of the last burst passes (a refill would let 5)", async () => {
    const ip = freshIp();
    const t0 = Date.now();
    const seen = [await attempt(ip, t0)];
    for (let i = 0; i < 4; i++) seen.push(await attempt(ip, t0 + 59_900));
    for (let i = 0; i < 5; i++) seen.push(await attempt(ip, t0 + 60_100));
    expect(seen.filter((s) => s === "pass")).toHaveLength(6);
    expect(seen.slice(5)).toEqual(["pass", 429, 429, 429, 429]);
  });

  it("every 60-s window of a minute-long trickle holds at most 5 accepted", async () => {
    const ip = freshIp();
    const t0 = Date.now();
    const accepted: number[] = [];
    // One attempt every 1.3 s for three minutes.
    for (let t = t0; t < t0 + 180_000; t += 1_300) if ((await attempt(ip, t)) === "pass") accepted.push(t);
    for (const start of accepted) {
      expect(accepted.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(5);
    }
    expect(accepted.length).toBeGreaterThanOrEqual(15);
  });

  it("a 429 says when the oldest request leaves the window", async () => {
    const ip = freshIp();
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await attempt(ip, t0 + i * 1_000);
    await expect(enforce(env, "draftIp", ip, { now: t0 + 10_000 })).rejects.toMatchObject({
      status: 429,
      extra: { retryAfter: 50, code: "ip-limit" },
    });
  });
});
