import { describe, expect, it } from "vitest";
import { expert, invitationBody } from "../../pro/fixtures";
import { call, expectProblem, json } from "../../support/http";
import { account, invitation, publish } from "./fixtures";

const ask = (who: { cookie: string }, expertId: string, sourceNoteId: string) =>
  call("/api/invitations", { cookie: who.cookie, json: invitationBody(expertId, { sourceNoteId }) });

describe("Ask this expert from an event", () => {
  it("an event featuring the expert is a source for inviting them; both sides see it", async () => {
    const club = await account("club");
    const pro = await expert();
    const id = await invitation(club, { ...pro, campusId: null }, { title: "Payments at scale, live" });
    const { note } = await publish(club, id);
    const student = await account("student");
    const created = await ask(student, pro.id, note.id);
    expect(created.status).toBe(201);
    const { id: asked } = await json<{ id: string }>(created, 201);
    const page = await json<{ sourceNote: { id: string; title: string } | null }>(
      await call(`/api/invitations/${asked}`, { cookie: student.cookie }),
    );
    expect(page.sourceNote).toEqual({ id: note.id, title: "Payments at scale, live" });
  });

  it("not when the expert asked not to be named: the event does not feature them", async () => {
    const club = await account("club");
    const pro = await expert();
    const id = await invitation(club, { ...pro, campusId: null }, { expertNamedPublicly: false });
    const { note } = await publish(club, id);
    const student = await account("student");
    const problem = await expectProblem(await ask(student, pro.id, note.id), 400);
    expect(problem.detail ?? problem.title).toMatch(/not by or about/);
  });
});
