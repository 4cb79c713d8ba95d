import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { claimMorning, localClock, type Morning, morningAt } from "../../worker/src/jobs/morning";
import { MORNING_STEPS, runHourlyCron } from "../../worker/src/schedule";
import { adaptersFor } from "../../worker/src/wiring";
import { waitForMail } from "../support/http";

const HOUR = 3600_000;

async function campus(zone: string) {
  const id = `c-${crypto.randomUUID().slice(0, 8)}`;
  await env.DB.prepare("insert into campuses (id, name, country, time_zone) values (?, ?, 'XX', ?)")
    .bind(id, `Campus ${id}`, zone)
    .run();
  return id;
}

async function person(role: "student" | "expert", campusId: string | null, availabilityZone?: string) {
  const id = crypto.randomUUID();
  const email = `${role}-${id.slice(0, 8)}@zones.test`;
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, campus_id, email_verified_at, created_at, updated_at) values (?, ?, 'x', ?, ?, ?, 0, 0, 0)",
  )
    .bind(id, email, `${role} ${id.slice(0, 4)}`, role, campusId)
    .run();
  if (role === "expert") {
    const availability = availabilityZone
      ? [{ weekday: 2, start: "19:00", end: "21:00", timeZone: availabilityZone }]
      : [];
    await env.DB.prepare(
      "insert into expert_profiles (user_id, headline, industry, topics, availability, accepting_invitations, updated_at, verification) values (?, 'Engineer', 'Zones', '[]', ?, 1, 0, 'verified')",
    )
      .bind(id, JSON.stringify(availability))
      .run();
  }
  return { id, email };
}

/** An invitation waiting on one side: "sent" waits on the expert, "countered" on the requester. */
async function waiting(
  requesterId: string,
  expertId: string,
  status: "sent" | "countered",
  deadline: number,
) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `insert into invitations (id, requester_id, expert_id, created_by, kind, title, agenda, duration_minutes, format, audience_size, language,
       response_deadline, status, version, sent_at, created_at, updated_at)
     values (?, ?, ?, ?, 'talk', ?, 'Agenda', 60, 'online', 50, 'en', ?, ?, 1, 1, 0, 0)`,
  )
    .bind(id, requesterId, expertId, requesterId, `Talk ${id.slice(0, 6)}`, deadline, status)
    .run();
  return id;
}

const claims = async (subjectId: string) =>
  (
    await env.DB.prepare(
      "select kind || ':' || recipient_id || ':' || local_date as c from morning_claims where subject_id = ? order by c",
    )
      .bind(subjectId)
      .all<{ c: string }>()
  ).results.map((r) => r.c);

const run = (at: number) => runHourlyCron({ scheduledTime: at }, env, adaptersFor(env));

describe("the morning clock", () => {
  const inMorning = (iso: string, zone: string) => morningAt(Date.parse(iso), [zone]).today(zone);

  it("serves a zone from 06:00 to 08:59 local, with its local date", () => {
    expect(inMorning("2018-01-09T22:00:00Z", "Asia/Kuala_Lumpur")).toBe("2018-01-10");
    expect(inMorning("2018-01-09T21:00:00Z", "Asia/Kuala_Lumpur")).toBeNull(); // 05:00
    expect(inMorning("2018-01-10T00:00:00Z", "Asia/Kuala_Lumpur")).toBe("2018-01-10"); // 08:00
    expect(inMorning("2018-01-10T01:00:00Z", "Asia/Kuala_Lumpur")).toBeNull(); // 09:00
    expect(inMorning("2018-01-10T05:00:00Z", "Africa/Lagos")).toBe("2018-01-10");
  });

  it("serves a half-hour zone at 06:30 (Asia/Kolkata, UTC+5:30)", () => {
    expect(inMorning("2018-01-10T00:00:00Z", "Asia/Kolkata")).toBeNull(); // 05:30
    expect(inMorning("2018-01-10T01:00:00Z", "Asia/Kolkata")).toBe("2018-01-10"); // 06:30
    expect(inMorning("2018-01-10T03:00:00Z", "Asia/Kolkata")).toBe("2018-01-10"); // 08:30
    expect(inMorning("2018-01-10T04:00:00Z", "Asia/Kolkata")).toBeNull(); // 09:30
  });

  it("follows summer time on the day it changes (Europe/London, 29 March and 25 October 2020)", () => {
    expect(inMorning("2020-03-28T06:00:00Z", "Europe/London")).toBe("2020-03-28"); // 06:00 GMT
    expect(inMorning("2020-03-28T05:00:00Z", "Europe/London")).toBeNull();
    expect(inMorning("2020-03-29T05:00:00Z", "Europe/London")).toBe("2020-03-29"); // 06:00 BST
    expect(inMorning("2020-03-29T04:00:00Z", "Europe/London")).toBeNull(); // 05:00 BST
    expect(inMorning("2020-10-25T05:00:00Z", "Europe/London")).toBeNull(); // 05:00 GMT
    expect(inMorning("2020-10-25T06:00:00Z", "Europe/London")).toBe("2020-10-25");
    expect(inMorning("2020-10-24T05:00:00Z", "Europe/London")).toBe("2020-10-24"); // 06:00 BST
  });

  it("tells tomorrow's local date, and ignores a zone it does not know", () => {
    const morning = morningAt(Date.parse("2018-01-09T22:00:00Z"), ["Asia/Kuala_Lumpur", "Mars/Olympus"]);
    expect(morning.tomorrow("Asia/Kuala_Lumpur")).toBe("2018-01-11");
    expect([...morning.zones.keys()]).toEqual(["Asia/Kuala_Lumpur"]);
    expect(localClock(0, "Mars/Olympus")).toBeNull();
  });
});

describe("the hourly run across time zones", () => {
  it("gives a campus at UTC+8 and one at UTC+1, and a Kolkata expert, their reminders once, in their morning", async () => {
    const t0 = Date.UTC(2018, 0, 10); // Wed 10 January 2018, 00:00 UTC
    const lagos = await campus("Africa/Lagos"); // UTC+1 all year
    const klStudent = await person("student", "um"); // UTC+8
    const lagosStudent = await person("student", lagos);
    const expert = await person("expert", null); // Kuala Lumpur by default
    const kolkataExpert = await person("expert", lagos, "Asia/Kolkata"); // availability beats campus
    const deadline = t0 + 40 * HOUR; // within 48 h of each morning below
    const klWaits = await waiting(klStudent.id, expert.id, "countered", deadline);
    const lagosWaits = await waiting(lagosStudent.id, expert.id, "countered", deadline);
    const kolkataWaits = await waiting(klStudent.id, kolkataExpert.id, "sent", deadline);

    const firstClaimed = new Map<string, number>();
    // From 01:00 UTC (09:00 in Kuala Lumpur, past its morning) to 00:00 UTC the next day.
    for (let hour = 1; hour <= 24; hour++) {
      await run(t0 + hour * HOUR);
      for (const id of [klWaits, lagosWaits, kolkataWaits])
        if (!firstClaimed.has(id) && (await claims(id)).length > 0) firstClaimed.set(id, hour);
    }
    expect(firstClaimed.get(lagosWaits)).toBe(5); // 06:00 in Lagos
    expect(firstClaimed.get(kolkataWaits)).toBe(1); // 06:30 in Kolkata
    expect(firstClaimed.get(klWaits)).toBe(22); // 06:00 Thursday in Kuala Lumpur (07:00 and 08:00 find it claimed)
    // Once each, to the side that must answer, dated by the recipient's own calendar.
    expect(await claims(lagosWaits)).toEqual([`deadline:${lagosStudent.id}:2018-01-10`]);
    expect(await claims(kolkataWaits)).toEqual([`deadline:${kolkataExpert.id}:2018-01-10`]);
    expect(await claims(klWaits)).toEqual([`deadline:${klStudent.id}:2018-01-11`]);
    const mail = await waitForMail(kolkataExpert.email, "needs an answer");
    expect(mail.text).toContain("Asia/Kolkata");
    await waitForMail(lagosStudent.email, "needs an answer");
  });

  it("running the same hour twice sends nothing the second time", async () => {
    const at = Date.UTC(2018, 1, 7, 5); // 06:00 in Lagos
    const lagos = await campus("Africa/Lagos");
    const student = await person("student", lagos);
    const expert = await person("expert", null);
    const id = await waiting(student.id, expert.id, "countered", at + 20 * HOUR);
    const first = await run(at);
    expect(first.deadlineReminders).toBeGreaterThanOrEqual(1);
    expect(first.morningZones["Africa/Lagos"]).toBe("2018-02-07");
    const again = await run(at);
    expect(again).toMatchObject({ deadlineReminders: 0, sessionReminders: 0, mailsQueued: 0 });
    expect(await claims(id)).toHaveLength(1);
    await waitForMail(student.email, "needs an answer");
    const sent = await env.DB.prepare(`select count(*) as n from outbox_mails where "to" = ?`)
      .bind(student.email)
      .first<{ n: number }>();
    expect(sent?.n).toBe(1);
  });

  it("a missed cron hour is made up later in the same morning, never after 09:00", async () => {
    const day = Date.UTC(2018, 2, 14); // Wed 14 March 2018, 00:00 UTC; Lagos is UTC+1
    const lagos = await campus("Africa/Lagos");
    const early = await person("student", lagos);
    const late = await person("student", lagos);
    const expert = await person("expert", null);
    const madeUp = await waiting(early.id, expert.id, "countered", day + 40 * HOUR);
    // The 05:00 UTC run (06:00 Lagos) never happened; the 06:00 UTC one (07:00 Lagos) serves it.
    await run(day + 6 * HOUR);
    expect(await claims(madeUp)).toEqual([`deadline:${early.id}:2018-03-14`]);
    // Runs missed until 08:00 UTC (09:00 Lagos): too late for a morning reminder; tomorrow's 06:00 serves it.
    const lost = await waiting(late.id, expert.id, "countered", day + 40 * HOUR);
    await run(day + 8 * HOUR);
    expect(await claims(lost)).toEqual([]);
    await run(day + 29 * HOUR);
    expect(await claims(lost)).toEqual([`deadline:${late.id}:2018-03-15`]);
  });

  it("serves a summer-time zone at 06:00 local on the day the clocks go forward", async () => {
    const london = await campus("Europe/London");
    const student = await person("student", london);
    const expert = await person("expert", null);
    const id = await waiting(student.id, expert.id, "countered", Date.UTC(2020, 2, 30, 12));
    await run(Date.UTC(2020, 2, 29, 4)); // 05:00 BST
    expect(await claims(id)).toEqual([]);
    await run(Date.UTC(2020, 2, 29, 5)); // 06:00 BST
    expect(await claims(id)).toEqual([`deadline:${student.id}:2020-03-29`]);
  });

  it("runs each domain's morning step with the morning; a failing step stops no other and fails the run", async () => {
    const at = Date.UTC(2018, 3, 11, 22); // 06:00 in Kuala Lumpur
    const seen: Morning[] = [];
    const subject = crypto.randomUUID();
    const added: typeof MORNING_STEPS = [
      [
        "broken",
        async () => {
          throw new Error("events table missing");
        },
      ],
      [
        "another domain",
        async (ctx, morning): Promise<Record<string, number>> => {
          seen.push(morning);
          const today = morning.today("Asia/Kuala_Lumpur");
          if (!today) return {};
          const claimed = await claimMorning(ctx.db, [
            { subjectId: subject, kind: "event-today", recipientId: "someone", localDate: today },
          ]);
          return { eventReminders: claimed.length };
        },
      ],
    ];
    MORNING_STEPS.push(...added);
    try {
      await expect(run(at)).rejects.toThrow(/1 step\(s\) failed/);
      await expect(run(at)).rejects.toThrow(/1 step\(s\) failed/);
    } finally {
      MORNING_STEPS.splice(MORNING_STEPS.length - added.length, added.length);
    }
    expect(seen).toHaveLength(2);
    expect(seen[0]?.today("Asia/Kuala_Lumpur")).toBe("2018-04-12");
    expect(seen[0]?.today("Europe/London")).toBeNull(); // 23:00 there: not its morning
    // The second run found the claim made: once per local day for any domain's reminders.
    expect(await claims(subject)).toEqual(["event-today:someone:2018-04-12"]);
  });
});
