import { describe, expect, it } from "vitest";
import { call, expectProblem, json } from "../../support/http";
import { block, follow, type Person } from "../../support/link";
import { account, invitation, publish, rsvp, rsvpCall } from "./fixtures";

/** Hostile users against atas-link's events (issue 14): what the other event tests do not already pin. */

type Listed = { events: { note: { id: string } }[] };

async function listed(path: string, who: Person) {
  return (await json<Listed>(await call(path, { cookie: who.cookie }))).events.map((e) => e.note.id);
}

describe("across a block with the expert", () => {
  it("someone the expert blocked (or who blocked the expert) cannot read, join or list the expert's event", async () => {
    const organiser = await account("student");
    const expert = await account("expert");
    const { note } = await publish(organiser, await invitation(organiser, expert), "public");
    const blockedByExpert = await account("student");
    const blockerOfExpert = await account("student");
    const bystander = await account("student");
    await block(expert, blockedByExpert);
    await block(blockerOfExpert, expert);
    for (const who of [blockedByExpert, blockerOfExpert]) await follow(who, organiser);
    await follow(bystander, organiser);

    // A bystander sees the event, the expert named, and may go (the guard that this test could fail).
    expect((await rsvp(bystander, note.id, "going")).event.meetingLink).toBe("https://meet.example/abc");
    expect(await listed("/api/events?scope=campus", bystander)).toContain(note.id);

    for (const who of [blockedByExpert, blockerOfExpert]) {
      await expectProblem(await call(`/api/events/${note.id}`, { cookie: who.cookie }), 404);
      // No seat, so no meeting link into the expert's session.
      await expectProblem(await rsvpCall(who, note.id, "going"), 404);
      await expectProblem(await call(`/api/events/${note.id}/ics`, { cookie: who.cookie }), 404);
      expect(await listed("/api/events?scope=campus", who)).not.toContain(note.id);
      expect(await listed("/api/events?scope=following", who)).not.toContain(note.id);
      expect(await listed(`/api/users/${organiser.id}/events`, who)).not.toContain(note.id);
    }
    // The organiser side and the expert keep their own event.
    expect(
      (
        await json<{ event: { viewer: { expert: boolean } } }>(
          await call(`/api/events/${note.id}`, { cookie: expert.cookie }),
        )
      ).event.viewer.expert,
    ).toBe(true);
  });
});
