import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SecondDegree } from "../../worker/src/adapters/second-degree/interface";
import { composeMail } from "../../worker/src/queues";
import { runDailyCron } from "../../worker/src/schedule";
import { systemContext } from "../../worker/src/shared/context";
import { adaptersFor } from "../../worker/src/wiring";
import worker from "../support/entry";
import { waitForMail } from "../support/http";

const HOUR = 3600_000;

async function person(
  role: "student" | "expert",
  campusId: string | null = null,
  extra: { industry?: string; topics?: string[] } = {},
) {
  const id = crypto.randomUUID();
  const email = `${role}-${id.slice(0, 8)}@cron.test`;
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, campus_id, email_verified_at, created_at, updated_at) values (?, ?, 'x', ?, ?, ?, 0, 0, 0)",
  )
    .bind(id, email, `${role} ${id.slice(0, 4)}`, role, campusId)
    .run();
  if (role === "expert") {
    await env.DB.prepare(
      "insert into expert_profiles (user_id, headline, industry, topics, availability, accepting_invitations, updated_at, verification) values (?, 'Engineer', ?, ?, '[]', 1, 0, 'verified')",
    )
      .bind(id, extra.industry ?? `Industry-${id.slice(0, 6)}`, JSON.stringify(extra.topics ?? []))
      .run();
  }
  return { id, email };
}

async function invitation(
  requesterId: string,
  expertId: string,
  fields: { status: string; deadline: number; start?: number; sentAt?: number },
) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `insert into invitations (id, requester_id, expert_id, created_by, kind, title, agenda, duration_minutes, format, audience_size, language,
       response_deadline, status, version, scheduled_start, sent_at, created_at, updated_at)
     values (?, ?, ?, ?, 'talk', ?, 'Agenda', 60, 'online', 50, 'en', ?, ?, 1, ?, ?, 0, 0)`,
  )
    .bind(
      id,
      requesterId,
      expertId,
      requesterId,
      `Talk ${id.slice(0, 6)}`,
      fields.deadline,
      fields.status,
      fields.start ?? null,
      fields.sentAt ?? 1,
    )
    .run();
  return id;
}

const queued = async (invitationId: string) =>
  (
    await env.DB.prepare("select count(*) as n from cron_reminders where invitation_id = ?")
      .bind(invitationId)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("the early-morning run", () => {
  it("reminds the expert of answers due within 48 hours, once per day", async () => {
    // Runs are dated in the past so that they cannot touch invitations other tests create around today.
    const now = Date.UTC(2020, 0, 6, 22); // 06:00 in Kuala Lumpur
    const student = await person("student", "um");
    const pro = await person("expert");
    const soon = await invitation(student.id, pro.id, { status: "sent", deadline: now + 30 * HOUR });
    const later = await invitation(student.id, pro.id, { status: "sent", deadline: now + 60 * HOUR });
    const countered = await invitation(student.id, pro.id, {
      status: "countered",
      deadline: now + 10 * HOUR,
    });
    const first = await runDailyCron({ scheduledTime: now }, env, adaptersFor(env));
    expect(first.deadlineReminders).toBeGreaterThanOrEqual(2);
    expect(await queued(soon)).toBe(1);
    expect(await queued(later)).toBe(0);
    expect(await queued(countered)).toBe(1);
    await waitForMail(pro.email, "needs an answer");
    await waitForMail(student.email, "needs an answer"); // the countered one waits on the requester

    const again = await runDailyCron({ scheduledTime: now + 5 * 60_000 }, env, adaptersFor(env));
    expect(again).toMatchObject({ deadlineReminders: 0, expired: 0, sessionReminders: 0, mailsQueued: 0 });
    const next = await runDailyCron({ scheduledTime: now + 24 * HOUR }, env, adaptersFor(env));
    expect(next.deadlineReminders).toBeGreaterThanOrEqual(1); // "later" is now due within 48 h
    expect(await queued(later)).toBe(1);
  });

  it("expires overdue invitations and offers the requester three similar experts", async () => {
    const now = Date.UTC(2020, 1, 3, 22);
    const industry = `Quantum-${crypto.randomUUID().slice(0, 6)}`;
    const student = await person("student", "nus");
    const silent = await person("expert", null, { industry, topics: ["qubits"] });
    const alike = await Promise.all([1, 2, 3, 4].map(() => person("expert", null, { industry })));
    const byTopic = await person("expert", null, { topics: ["Qubits"] });
    const id = await invitation(student.id, silent.id, { status: "sent", deadline: now - HOUR });
    const report = await runDailyCron({ scheduledTime: now }, env, adaptersFor(env));
    expect(report.expired).toBeGreaterThanOrEqual(1);
    const row = await env.DB.prepare("select status, version from invitations where id = ?").bind(id).first();
    expect(row).toEqual({ status: "expired", version: 2 });
    const mail = await waitForMail(student.email, "expired");
    const suggested = [...alike, byTopic].filter((e) => mail.text.includes(`/experts/${e.id}`));
    expect(suggested).toHaveLength(3);
    expect(mail.text).not.toContain(`/experts/${silent.id}`);
    const second = await runDailyCron({ scheduledTime: now + HOUR }, env, adaptersFor(env));
    expect(second.expired).toBe(0);
  });

  it("the expiry mail still offers similar experts when the graph does not answer", async () => {
    const now = Date.UTC(2020, 1, 4, 22);
    const industry = `Photonics-${crypto.randomUUID().slice(0, 6)}`;
    const student = await person("student", "nus");
    const silent = await person("expert", null, { industry });
    const alike = await Promise.all([1, 2, 3].map(() => person("expert", null, { industry })));
    const id = await invitation(student.id, silent.id, { status: "sent", deadline: now - HOUR });
    await runDailyCron({ scheduledTime: now }, env, adaptersFor(env));
    const event = await env.DB.prepare(
      "select id from invitation_events where invitation_id = ? and to_status = 'expired'",
    )
      .bind(id)
      .first<{ id: string }>();
    // The mail job composed with a graph (Neo4j, say) that is down.
    const down: SecondDegree = {
      experts: () => Promise.reject(new Error("graph down")),
      people: () => Promise.reject(new Error("graph down")),
    };
    const ctx = systemContext(env, { ...adaptersFor(env), graph: down });
    const mail = await composeMail(ctx, {
      kind: "invitation-update",
      key: `test:${id}`,
      userId: student.id,
      origin: "https://atas.test",
      eventId: event?.id,
    });
    for (const expert of alike) expect(mail?.text).toContain(`/experts/${expert.id}`);
  });

  it("chooses tomorrow's sessions by each requester campus's time zone", async () => {
    const now = Date.UTC(2020, 2, 3, 22); // Wed 06:00 Kuala Lumpur, Wed 09:00 Melbourne (UTC+11)
    const pro = await person("expert");
    const kl = await person("student", "um");
    const melbourne = await person("student", "unimelb");
    const lateTonightKL = now + 17.5 * HOUR; // 23:30 today in KL, 02:30 tomorrow in Melbourne
    const wednesdayMorning = now + 27 * HOUR; // 09:00 tomorrow in KL, 12:00 in Melbourne
    const inKlTonight = await invitation(kl.id, pro.id, {
      status: "scheduled",
      deadline: now - 48 * HOUR,
      start: lateTonightKL,
    });
    const inMelTonight = await invitation(melbourne.id, pro.id, {
      status: "scheduled",
      deadline: now - 48 * HOUR,
      start: lateTonightKL,
    });
    const inKlTomorrow = await invitation(kl.id, pro.id, {
      status: "scheduled",
      deadline: now - 48 * HOUR,
      start: wednesdayMorning,
    });
    const report = await runDailyCron({ scheduledTime: now }, env, adaptersFor(env));
    expect(report.sessionReminders).toBeGreaterThanOrEqual(2);
    expect(await queued(inKlTonight)).toBe(0);
    expect(await queued(inMelTonight)).toBe(1);
    expect(await queued(inKlTomorrow)).toBe(1);
    await waitForMail(melbourne.email, "Tomorrow:");
    await waitForMail(pro.email, "Tomorrow:");
  });

  it("runs from the Cron Trigger handler", async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: new Date(Date.UTC(2020, 5, 1, 22)), cron: "0 22 * * *" }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
  });
});
