import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { reportWeight } from "../../../worker/src/link/moderation/report-weight";
import { call, json } from "../../support/http";
import { credibleReporter, freshAccount, type Person, person } from "../../support/link";

const DAY = 86_400_000;

async function note(author: Person) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into notes (id, author_id, title, body, visibility, created_at) values (?, ?, 'Swap', 'Textbooks #books', 'public', ?)",
  )
    .bind(id, author.id, Date.now())
    .run();
  return id;
}

const report = (who: Person, id: string) =>
  call("/api/reports", { cookie: who.cookie, json: { target: "note", id, reason: "spam" } });

async function hidden(id: string): Promise<boolean> {
  const row = await env.DB.prepare("select hidden_at from notes where id = ?")
    .bind(id)
    .first<{ hidden_at: number | null }>();
  return row?.hidden_at !== null && row?.hidden_at !== undefined;
}

/** `reporter` already has `n` reports an admin upheld (the content was removed). */
async function upheldReports(reporter: Person, n: number) {
  for (let i = 0; i < n; i++)
    await env.DB.prepare(
      "insert into reports (id, reporter_id, target_type, target_id, reason, created_at, resolved_at, decision) values (?, ?, 'note', ?, 'spam', 0, 1, 'remove')",
    )
      .bind(crypto.randomUUID(), reporter.id, crypto.randomUUID())
      .run();
}

describe("reports are weighed by the reporter's standing", () => {
  it("three fresh throwaway accounts cannot hide a note", async () => {
    const author = await person();
    const id = await note(author);
    const throwaways = await Promise.all([freshAccount(), freshAccount(), freshAccount()]);
    for (const who of throwaways) await json(await report(who, id), 201);
    expect(await hidden(id)).toBe(false);
    expect((await call(`/api/notes/${id}`, { cookie: (await person()).cookie })).status).toBe(200);
  });

  it("old but unverified accounts weigh half: three do not hide, six do", async () => {
    const id = await note(await person());
    const olds = await Promise.all(Array.from({ length: 6 }, () => person()));
    for (const who of olds.slice(0, 3)) await json(await report(who, id), 201);
    expect(await hidden(id)).toBe(false);
    for (const who of olds.slice(3)) await json(await report(who, id), 201);
    expect(await hidden(id)).toBe(true);
  });

  it("three verified campus accounts older than a week hide it", async () => {
    const id = await note(await person());
    const reporters = await Promise.all([credibleReporter(), credibleReporter(), credibleReporter()]);
    await json(await report(reporters[0] as Person, id), 201);
    await json(await report(reporters[1] as Person, id), 201);
    expect(await hidden(id)).toBe(false);
    await json(await report(reporters[2] as Person, id), 201);
    expect(await hidden(id)).toBe(true);
  });

  it("a verified account made this week is not yet credible", async () => {
    const id = await note(await person());
    const young = await Promise.all(
      Array.from({ length: 3 }, () => person({ campusId: "um", createdAt: Date.now() - DAY })),
    );
    for (const who of young) await json(await report(who, id), 201);
    expect(await hidden(id)).toBe(false);
  });

  it("past reports an admin upheld add weight (+0.5 each, at most +2): two proven reporters hide a note", async () => {
    const id = await note(await person());
    const [a, b] = await Promise.all([credibleReporter(), credibleReporter()]);
    await upheldReports(a as Person, 2); // 1 + 1
    await upheldReports(b as Person, 10); // 1 + 2 (capped)
    await json(await report(a as Person, id), 201);
    expect(await hidden(id)).toBe(false);
    await json(await report(b as Person, id), 201);
    expect(await hidden(id)).toBe(true);
  });

  it("dismissed or restored past reports add nothing", async () => {
    const id = await note(await person());
    const reporters = await Promise.all([credibleReporter(), credibleReporter()]);
    for (const who of reporters)
      for (const decision of ["dismiss", "restore", "dismiss", "restore"])
        await env.DB.prepare(
          "insert into reports (id, reporter_id, target_type, target_id, reason, created_at, resolved_at, decision) values (?, ?, 'note', ?, 'spam', 0, 1, ?)",
        )
          .bind(crypto.randomUUID(), who.id, crypto.randomUUID(), decision)
          .run();
    for (const who of reporters) await json(await report(who, id), 201);
    expect(await hidden(id)).toBe(false);
  });
});

describe("reportWeight (the rule, in tenths)", () => {
  const now = 100 * DAY;
  it.each([
    [{ verified: false, createdAt: now - DAY, upheld: 0 }, 2],
    [{ verified: false, createdAt: now - 30 * DAY, upheld: 0 }, 5],
    [{ verified: true, createdAt: now - DAY, upheld: 0 }, 5],
    [{ verified: true, createdAt: now - 8 * DAY, upheld: 0 }, 10],
    [{ verified: true, createdAt: now - 8 * DAY, upheld: 1 }, 15],
    [{ verified: true, createdAt: now - 8 * DAY, upheld: 9 }, 30],
    [{ verified: false, createdAt: now - DAY, upheld: 9 }, 22],
  ])("%o weighs %i tenths", (standing, tenths) => {
    expect(reportWeight({ ...standing, now })).toBe(tenths);
  });
});
