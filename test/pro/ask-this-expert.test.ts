import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json } from "../support/http";
import { block, follow, type Person, person } from "../support/link";
import { draft, expert, invitationBody } from "./fixtures";

/** A note written straight to D1 ("campus" notes carry the author's campus). */
async function note(
  authorId: string,
  fields: { visibility?: string; campusId?: string | null; hidden?: boolean; title?: string } = {},
) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into notes (id, author_id, campus_id, title, body, visibility, created_at, hidden_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(
      id,
      authorId,
      fields.campusId ?? null,
      fields.title ?? `Secret plans ${id.slice(0, 6)}`,
      "What I learned shipping payments at scale.",
      fields.visibility ?? "public",
      Date.now(),
      fields.hidden ? Date.now() : null,
    )
    .run();
  return id;
}

const create = (who: { cookie: string }, expertId: string, sourceNoteId: string) =>
  call("/api/invitations", { cookie: who.cookie, json: invitationBody(expertId, { sourceNoteId }) });

type Page = { sourceNote: { id: string; title: string } | null };

/** The note may not be attached, and the refusal tells nothing about it (not its title). */
async function refused(response: Response, noteId: string | null) {
  const problem = await expectProblem(response, 400);
  if (noteId) {
    const row = await env.DB.prepare("select title from notes where id = ?")
      .bind(noteId)
      .first<{ title: string }>();
    expect(row?.title).toBeTruthy();
    expect(JSON.stringify(problem)).not.toContain(row?.title);
  }
  expect(problem.detail ?? problem.title).toMatch(/No note you can see|not by or about/);
  return problem;
}

describe("Ask this expert: an invitation started from a note", () => {
  it("attaches a note by the expert that the requester can see, and both sides see where it came from", async () => {
    const pro = await expert();
    const student = await person({ campusId: "um" });
    const source = await note(pro.id, { title: "Payments at scale, a field report" });
    const id = await draft(student.cookie, pro.id, { sourceNoteId: source });
    const row = await env.DB.prepare("select source_note_id from invitations where id = ?").bind(id).first();
    expect(row).toEqual({ source_note_id: source });
    const mine = await json<Page>(await call(`/api/invitations/${id}`, { cookie: student.cookie }));
    expect(mine.sourceNote).toEqual({ id: source, title: "Payments at scale, a field report" });
    // The expert sees it once the invitation reaches them.
    expect(
      (await call(`/api/invitations/${id}/send`, { method: "POST", cookie: student.cookie })).status,
    ).toBe(200);
    const theirs = await json<Page>(await call(`/api/invitations/${id}`, { cookie: pro.cookie }));
    expect(theirs.sourceNote).toEqual({ id: source, title: "Payments at scale, a field report" });
  });

  it("an invitation without a source note shows none", async () => {
    const pro = await expert();
    const student = await person();
    const id = await draft(student.cookie, pro.id);
    expect(
      (await json<Page>(await call(`/api/invitations/${id}`, { cookie: student.cookie }))).sourceNote,
    ).toBeNull();
  });

  it("refuses a note the requester cannot see, with the same answer as for no note at all", async () => {
    const pro = await expert();
    const student: Person = await person({ campusId: "um" });
    const cases = {
      otherCampus: await note(pro.id, { visibility: "campus", campusId: "nus" }),
      private: await note(pro.id, { visibility: "private" }),
      followersOnly: await note(pro.id, { visibility: "followers" }),
      hidden: await note(pro.id, { hidden: true }),
    };
    const nothing = await refused(await create(student, pro.id, crypto.randomUUID()), null);
    for (const noteId of Object.values(cases)) {
      const problem = await refused(await create(student, pro.id, noteId), noteId);
      expect(problem.detail).toBe(nothing.detail);
    }
    const attached = await env.DB.prepare("select count(*) as n from invitations where requester_id = ?")
      .bind(student.id)
      .first<{ n: number }>();
    expect(attached?.n).toBe(0);
  });

  it("a follower may start from a followers-only note; a campus member from a campus note", async () => {
    const pro = await expert();
    const follower = await person({ campusId: "um" });
    await follow(follower, { id: pro.id, cookie: pro.cookie, campusId: null });
    const forFollowers = await note(pro.id, { visibility: "followers" });
    const forUm = await note(pro.id, { visibility: "campus", campusId: "um" });
    expect((await create(follower, pro.id, forFollowers)).status).toBe(201);
    expect((await create(follower, pro.id, forUm)).status).toBe(201);
    const unverified = await person(); // no verified campus
    await refused(await create(unverified, pro.id, forUm), forUm);
  });

  it("refuses a note whose author blocked the requester, or whom the requester blocked", async () => {
    const pro = await expert();
    const expertPerson: Person = { id: pro.id, cookie: pro.cookie, campusId: null };
    const blocked = await person();
    const blocker = await person();
    const source = await note(pro.id);
    await block(expertPerson, blocked);
    await block(blocker, expertPerson);
    await refused(await create(blocked, pro.id, source), source);
    await refused(await create(blocker, pro.id, source), source);
  });

  it("refuses a visible note by someone else, or a student's note, as the source for this expert", async () => {
    const pro = await expert();
    const other = await expert();
    const student = await person();
    const byOther = await note(other.id);
    const byStudent = await note(student.id);
    const problem = await expectProblem(await create(student, pro.id, byOther), 400);
    expect(problem.detail).toMatch(/not by or about this expert/);
    await expectProblem(await create(student, pro.id, byStudent), 400);
  });

  it("hides the source from a side that can no longer see it (the note turned private)", async () => {
    const pro = await expert();
    const student = await person();
    const source = await note(pro.id, { title: "Soon private" });
    const id = await draft(student.cookie, pro.id, { sourceNoteId: source });
    await env.DB.prepare("update notes set visibility = 'private' where id = ?").bind(source).run();
    const mine = await json<Page>(await call(`/api/invitations/${id}`, { cookie: student.cookie }));
    expect(mine.sourceNote).toBeNull();
  });

  it("rejects a source note id that is not an id", async () => {
    const pro = await expert();
    const student = await person();
    await expectProblem(await create(student, pro.id, "../../etc"), 400);
  });
});
