import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runHourlyCron } from "../../worker/src/schedule";
import { adaptersFor } from "../../worker/src/wiring";

const HOUR = 3600_000;

describe("the early-morning run with many requesters", () => {
  it("reminds about 150 invitations from 150 different requesters in one run", async () => {
    // Dated in the past so it cannot touch what other tests create around today.
    const now = Date.UTC(2019, 4, 6, 22);
    const expertId = crypto.randomUUID();
    const statements = [
      env.DB.prepare(
        "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', 'Busy Expert', 'expert', 0, 0)",
      ).bind(expertId, `${expertId}@many.test`),
    ];
    const invitationIds: string[] = [];
    for (let i = 0; i < 150; i++) {
      const studentId = crypto.randomUUID();
      const id = crypto.randomUUID();
      invitationIds.push(id);
      statements.push(
        env.DB.prepare(
          "insert into users (id, email, password_hash, display_name, role, campus_id, created_at, updated_at) values (?, ?, 'x', 'Student', 'student', 'um', 0, 0)",
        ).bind(studentId, `${studentId}@many.test`),
        env.DB.prepare(
          `insert into invitations (id, requester_id, expert_id, created_by, kind, title, agenda, duration_minutes, format, audience_size, language,
             response_deadline, status, version, sent_at, created_at, updated_at)
           values (?, ?, ?, ?, 'talk', 'Talk', 'Agenda', 60, 'online', 50, 'en', ?, 'sent', 1, 1, 0, 0)`,
        ).bind(id, studentId, expertId, studentId, now + 30 * HOUR),
      );
    }
    await env.DB.batch(statements);
    const report = await runHourlyCron({ scheduledTime: now }, env, adaptersFor(env));
    expect(report.deadlineReminders).toBeGreaterThanOrEqual(150);
    const claimed = await env.DB.prepare(
      "select count(*) as n from morning_claims where subject_id in (select value from json_each(?))",
    )
      .bind(JSON.stringify(invitationIds))
      .first<{ n: number }>();
    expect(claimed?.n).toBe(150);
  });
});
