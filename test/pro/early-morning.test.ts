import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { SecondDegree } from "../../worker/src/adapters/second-degree/interface";
import { composeMail } from "../../worker/src/queues";
import { runHourlyCron } from "../../worker/src/schedule";
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
    await env.DB.prepare("select count(*) as n from morning_claims where subject_id = ?")
      .bind(invitationId)
      .first<{ n: number }>()
  )?.n ?? 0;

const claims = async (subjectId: string) =>
  (
    await env.DB.prepare(
      "select kind || ':' || recipient_id || ':' || local_date as c from morning_claims where subject_id = ? order by c",
    )
      .bind(subjectId)
      .all<{ c: string }>()
  ).results.map((r) => r.c);

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
    const first = await runHourlyCron({ scheduledTime: now }, env, adaptersFor(env));
    expect(first.deadlineReminders).toBeGreaterThanOrEqual(2);
    expect(await queued(soon)).toBe(1);
    expect(await queued(later)).toBe(0);
    expect(await queued(countered)).toBe(1);
    await waitForMail(pro.email, "needs an answer");
    await waitForMail(student.email, "needs an answer"); // the countered one waits on the requester

    const again = await runHourlyCron({ scheduledTime: now + 5 * 60_000 }, env, adaptersFor(env));
    expect(again).toMatchObject({ deadlineReminders: 0, expired: 0, sessionReminders: 0, mailsQueued: 0 });
    const next = await runHourlyCron({ scheduledTime: now + 24 * HOUR }, env, adaptersFor(env));
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
    const report = await runHourlyCron({ scheduledTime: now }, env, adaptersFor(env));
    expect(report.expired).toBeGreaterThanOrEqual(1);
    const row = await env.DB.prepare("select status, version from invitations where id = ?").bind(id).first();
    expect(row).toEqual({ status: "expired", version: 2 });
    const mail = await waitForMail(student.email, "expired");
    const suggested = [...alike, byTopic].filter((e) => mail.text.includes(`/experts/${e.id}`));
    expect(suggested).toHaveLength(3);
    expect(mail.text).not.toContain(`/experts/${silent.id}`);
    const second = await runHourlyCron({ scheduledTime: now + HOUR }, env, adaptersFor(env));
    expect(second.expired).toBe(0);
  });

  it("the expiry mail still offers similar experts when the graph does not answer", async () => {
    const now = Date.UTC(2020, 1, 4, 22);
    const industry = `Photonics-${crypto.randomUUID().slice(0, 6)}`;
    const student = await person("student", "nus");
    const silent = await person("expert", null, { industry });
    const alike = await Promise.all([1, 2, 3].map(() => person("expert", null, { industry })));
    const id = await invitation(student.id, silent.id, { status: "sent", deadline: now - HOUR });
    await runHourlyCron({ scheduledTime: now }, env, adaptersFor(env));
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

  it("reminds each person of sessions today and tomorrow in their own morning", async () => {
    // Tue 3 March 2020, 19:00 UTC = Wed 06:00 in Melbourne (UTC+11), Wed 03:00 in Kuala Lumpur.
    const melMorning = Date.UTC(2020, 2, 3, 19);
    const klMorning = Date.UTC(2020, 2, 3, 22); // Wed 06:00 in Kuala Lumpur, 09:00 in Melbourne
    const pro = await person("expert"); // no campus, no availability: Kuala Lumpur
    const kl = await person("student", "um");
    const melbourne = await person("student", "unimelb");
    const wedLateKL = Date.UTC(2020, 2, 4, 15, 30); // Wed 23:30 in KL, Thu 02:30 in Melbourne
    const thuMorningKL = Date.UTC(2020, 2, 5, 1); // Thu 09:00 in KL, Thu 12:00 in Melbourne
    const scheduled = (requester: string, start: number) =>
      invitation(requester, pro.id, { status: "scheduled", deadline: melMorning - 48 * HOUR, start });
    const klTonight = await scheduled(kl.id, wedLateKL);
    const melTonight = await scheduled(melbourne.id, wedLateKL);
    const klTomorrow = await scheduled(kl.id, thuMorningKL);

    const atMel = await runHourlyCron({ scheduledTime: melMorning }, env, adaptersFor(env));
    expect(atMel.morningZones["Australia/Melbourne"]).toBe("2020-03-04");
    expect(atMel.morningZones["Asia/Kuala_Lumpur"]).toBeUndefined();
    // Only the Melbourne student is in their morning: Wed 23:30 KL is Thursday for them.
    expect(await claims(melTonight)).toEqual([`session-tomorrow:${melbourne.id}:2020-03-04`]);
    expect(await claims(klTonight)).toEqual([]);

    await runHourlyCron({ scheduledTime: klMorning }, env, adaptersFor(env));
    expect(await claims(klTonight)).toEqual(
      [`session-today:${kl.id}:2020-03-04`, `session-today:${pro.id}:2020-03-04`].sort(),
    );
    expect(await claims(melTonight)).toEqual(
      [`session-today:${pro.id}:2020-03-04`, `session-tomorrow:${melbourne.id}:2020-03-04`].sort(),
    );
    expect(await claims(klTomorrow)).toEqual(
      [`session-tomorrow:${kl.id}:2020-03-04`, `session-tomorrow:${pro.id}:2020-03-04`].sort(),
    );
    const mel = await waitForMail(melbourne.email, "Tomorrow:");
    expect(mel.text).toContain("Australia/Melbourne"); // the time in their own zone
    await waitForMail(kl.email, "Today:");
    await waitForMail(pro.email, "Tomorrow:");
  });

  it("runs from the Cron Trigger handler", async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: new Date(Date.UTC(2020, 5, 1, 22)), cron: "0 * * * *" }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
  });
});
