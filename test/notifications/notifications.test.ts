import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json } from "../support/http";
import { person } from "../support/link";

/** `n` notifications for the user, written straight to D1; returns their ids. */
async function notificationsFor(userId: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => crypto.randomUUID());
  await env.DB.batch(
    ids.map((id, i) =>
      env.DB.prepare(
        "insert into notifications (id, user_id, type, text, created_at) values (?, ?, 'test', 'Hello', ?)",
      ).bind(id, userId, i + 1),
    ),
  );
  return ids;
}

const unreadOf = async (userId: string) =>
  (
    await env.DB.prepare("select count(*) as n from notifications where user_id = ? and read_at is null")
      .bind(userId)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("POST /api/notifications/read with many ids", () => {
  // D1 binds at most 100 parameters a query; the ids travel as one JSON parameter instead.
  for (const n of [99, 100, 150, 500]) {
    it(`marks ${n} notifications read`, async () => {
      const me = await person();
      const ids = await notificationsFor(me.id, n + 3);
      const body = await json<{ unread: number }>(
        await call("/api/notifications/read", { cookie: me.cookie, json: { ids: ids.slice(0, n) } }),
      );
      expect(body.unread).toBe(3);
      expect(await unreadOf(me.id)).toBe(3);
    });
  }

  it("touches only the reader's own notifications, whatever ids are sent", async () => {
    const me = await person();
    const other = await person();
    const theirs = await notificationsFor(other.id, 150);
    await json(await call("/api/notifications/read", { cookie: me.cookie, json: { ids: theirs } }));
    expect(await unreadOf(other.id)).toBe(150);
  });

  it("refuses more than 500 ids with a 400 problem", async () => {
    const me = await person();
    const ids = Array.from({ length: 501 }, () => crypto.randomUUID());
    await expectProblem(await call("/api/notifications/read", { cookie: me.cookie, json: { ids } }), 400);
  });
});
