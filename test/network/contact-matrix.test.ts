import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  CHANNELS,
  type Channel,
  type ContactFacts,
  decide,
  type Pair,
} from "../../worker/src/network/services/contact-matrix";
import { act, draft, expert as makeExpert, page } from "../pro/fixtures";
import { call, expectProblem, json, signUp } from "../support/http";
import { count, type Person, person, uploadedImage } from "../support/link";

describe("the contact matrix", () => {
  const facts = (pair: Pair, over: Partial<ContactFacts> = {}): ContactFacts => ({
    pair,
    acquainted: false,
    invitationOpen: false,
    ...over,
  });
  const allowed = (f: ContactFacts) => CHANNELS.filter((channel) => decide(f, channel) === null);

  it("outside an invitation an expert's words reach a student only as a public comment; an unverified one's not at all", () => {
    expect(allowed(facts("verified-expert-to-student"))).toEqual(["connection-request", "comment"]);
    expect(allowed(facts("unverified-expert-to-student"))).toEqual([]);
    // Being connected changes nothing for an expert: the invitation is the only door.
    expect(allowed(facts("verified-expert-to-student", { acquainted: true }))).toEqual([
      "connection-request",
      "comment",
    ]);
  });

  it("inside the invitation window both sides may write, whatever the vetting", () => {
    for (const pair of [
      "verified-expert-to-student",
      "unverified-expert-to-student",
      "student-to-expert",
    ] as const)
      expect(decide(facts(pair, { invitationOpen: true }), "direct")).toBeNull();
    // Message requests are never the way between an expert and a student.
    expect(decide(facts("student-to-expert", { invitationOpen: true }), "message-request")).toBe(
      "needs-invitation",
    );
  });

  it("peers write once acquainted, and ask first otherwise", () => {
    expect(decide(facts("peers"), "direct")).toBe("needs-request");
    expect(allowed(facts("peers", { acquainted: true }))).toEqual([...CHANNELS]);
    const refusals = new Set<string | null>(CHANNELS.map((c: Channel) => decide(facts("peers"), c)));
    expect(refusals).toEqual(new Set([null, "needs-request"]));
  });
});

/** A self-registered expert nobody vetted, written straight to D1 with a session. */
async function unverifiedExpert(): Promise<Person> {
  const expert = await person({ name: "Unvetted Expert" });
  await env.DB.batch([
    env.DB.prepare("update users set role = 'expert' where id = ?").bind(expert.id),
    env.DB.prepare("insert into expert_profiles (user_id, updated_at) values (?, 0)").bind(expert.id),
  ]);
  return expert;
}

const ask = (from: { cookie: string }, toUserId: string, message?: string) =>
  call("/api/connections/requests", {
    cookie: from.cookie,
    json: { toUserId, ...(message === undefined ? {} : { message }) },
  });

describe("every contact path asks the matrix", () => {
  it("an expert's connection request to a student carries no note unless they share an invitation", async () => {
    const [expert, student, other] = await Promise.all([makeExpert(), signUp(), signUp()]);
    const noted = await expectProblem(await ask(expert, student.id, "Loved your note, DM me!"), 403);
    expect(noted).toMatchObject({ code: "needs-invitation" });
    expect(await count("select count(*) as n from connection_requests where from_id = ?", expert.id)).toBe(0);
    // A bare request is fine.
    expect((await ask(expert, student.id)).status).toBe(201);

    // Inside an invitation the note may go along.
    const invitation = await draft(other.cookie, expert.id);
    expect((await act(other.cookie, invitation, "send")).status).toBe(200);
    const slot = (await page(expert.cookie, invitation)).slots[0];
    expect((await act(expert.cookie, invitation, "accept", { slotId: slot?.id })).status).toBe(200);
    expect((await ask(expert, other.id, "Great to meet you at the talk.")).status).toBe(201);
    // Students write notes to experts freely.
    const third = await signUp();
    expect((await ask(third, expert.id, "Could we connect?")).status).toBe(201);
  });

  it("an unverified expert starts no contact with a student: no request, no message, no room, no mention", async () => {
    const [expert, student] = await Promise.all([unverifiedExpert(), person({ name: "Student" })]);
    expect(await expectProblem(await ask(expert, student.id), 403)).toMatchObject({
      code: "unverified-expert",
    });
    expect(
      await expectProblem(
        await call("/api/message-requests", {
          cookie: expert.cookie,
          json: { toUserId: student.id, text: "hi" },
        }),
        403,
      ),
    ).toMatchObject({ code: "needs-invitation" });
    expect(
      await expectProblem(
        await call("/api/rooms/dm", { cookie: expert.cookie, json: { userId: student.id } }),
        403,
      ),
    ).toMatchObject({ code: "needs-invitation" });

    const imageId = await uploadedImage(expert);
    const posted = await call("/api/notes", {
      cookie: expert.cookie,
      json: {
        title: "Hiring",
        body: "Ping me",
        imageIds: [imageId],
        visibility: "public",
        mentions: [student.id],
      },
    });
    const { note } = await json<{ note: { id: string; mentions: unknown[] } }>(posted, 201);
    expect(note.mentions).toEqual([]);
    expect(await count("select count(*) as n from notifications where user_id = ?", student.id)).toBe(0);

    // Nor do they write under a student's note; a vetted expert may (public, reportable).
    const studentImage = await uploadedImage(student);
    const { note: studentNote } = await json<{ note: { id: string } }>(
      await call("/api/notes", {
        cookie: student.cookie,
        json: { title: "My internship", body: "Week one", imageIds: [studentImage], visibility: "public" },
      }),
      201,
    );
    const comment = (who: { cookie: string }) =>
      call(`/api/notes/${studentNote.id}/comments`, {
        cookie: who.cookie,
        json: { body: "DM me for a job" },
      });
    expect(await expectProblem(await comment(expert), 403)).toMatchObject({ code: "unverified-expert" });
    const vetted = await person({ name: "Vetted" });
    await env.DB.batch([
      env.DB.prepare("update users set role = 'expert' where id = ?").bind(vetted.id),
      env.DB.prepare(
        "insert into expert_profiles (user_id, updated_at, verification) values (?, 0, 'verified')",
      ).bind(vetted.id),
    ]);
    expect((await comment(vetted)).status).toBe(201);

    // A student may still reach out to them (a bare request or with a note).
    expect((await ask(student, expert.id, "Are you hiring interns?")).status).toBe(201);
  });
});
