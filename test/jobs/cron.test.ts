import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../support/entry";
import { call, expectProblem, signUp } from "../support/http";

describe("the hourly cron", () => {
  it("purges expired sessions and tokens in its 22:00 UTC run (the once-a-day housekeeping)", async () => {
    const user = await signUp();
    await env.DB.prepare("update sessions set expires_at = 1 where user_id = ?").bind(user.id).run();
    await env.DB.prepare("update email_tokens set expires_at = 1 where user_id = ?").bind(user.id).run();
    // Yesterday's 22:00 UTC run: housekeeping runs then, and "expired" means before that instant.
    const yesterday = new Date(Date.now() - 24 * 3600_000);
    yesterday.setUTCHours(22, 0, 0, 0);
    const fire = async (scheduledTime: Date) => {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ scheduledTime, cron: "0 * * * *" }), env, ctx);
      await waitOnExecutionContext(ctx);
      return env.DB.prepare(
        "select (select count(*) from sessions where user_id = ?1) as s, (select count(*) from email_tokens where user_id = ?1) as t",
      )
        .bind(user.id)
        .first();
    };
    // The hour before leaves them: housekeeping is once a day.
    expect(await fire(new Date(yesterday.getTime() - 3600_000))).toEqual({ s: 1, t: 1 });
    expect(await fire(yesterday)).toEqual({ s: 0, t: 0 });
    await expectProblem(await call("/api/me", { cookie: user.cookie }), 401);
    const kl = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Kuala_Lumpur",
      hour: "2-digit",
      hourCycle: "h23",
    });
    expect(kl.format(new Date("2026-11-28T22:00:00Z"))).toBe("06");
  });
});
