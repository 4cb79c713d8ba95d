import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json, waitFor } from "../../support/http";
import { follow, type Person } from "../../support/link";
import { account, invitation, makeOfficer, publish, rsvp, rsvpCall } from "./fixtures";

type Listed = { events: { note: { id: string } }[] };
const ids = (list: Listed) => list.events.map((e) => e.note.id);

async function listed(path: string, who?: Person) {
  return ids(await json<Listed>(await call(path, who ? { cookie: who.cookie } : {})));
}

async function feedIds(path: string, who?: Person): Promise<string[]> {
  const page = await json<{ notes: { id: string }[] }>(await call(path, who ? { cookie: who.cookie } : {}));
  return page.notes.map((n) => n.id);
}

describe("a campus-only event never leaks", () => {
  it("to another campus or a signed-out reader: list, profile, note, event, search, discover, following, RSVP, ICS, CSV", async () => {
    const club = await account("club", "um", "Computing Club");
    const officer = await account("student", "um");
    await makeOfficer(club, officer);
    const expert = await account("expert", null);
    const word = `zebrafish${crypto.randomUUID().slice(0, 6)}`;
    const { note } = await publish(
      officer,
      await invitation(club, expert, { title: `Campus ${word}` }),
      "campus",
      {
        body: `All about ${word}`,
      },
    );
    const insider = await account("student", "um");
    const outsider = await account("student", "nus");
    // Both follow the club and the expert: following must not open a campus event to another campus.
    await follow(insider, club, expert);
    await follow(outsider, club, expert);

    // The insider sees it everywhere.
    expect(await listed("/api/events?scope=campus", insider)).toContain(note.id);
    expect(await listed("/api/events?scope=following", insider)).toContain(note.id);
    expect(await listed(`/api/users/${club.id}/events`, insider)).toContain(note.id);
    expect(await listed(`/api/users/${expert.id}/events`, insider)).toContain(note.id);
    await json(await call(`/api/notes/${note.id}`, { cookie: insider.cookie }));
    await json(await call(`/api/events/${note.id}`, { cookie: insider.cookie }));
    const found = await json<{ results: { note: { id: string } }[] }>(
      await call(`/api/search/notes?q=${word}`, { cookie: insider.cookie }),
    );
    expect(found.results.map((r) => r.note.id)).toContain(note.id);
    expect(await feedIds("/api/feed/discover", insider)).toContain(note.id);
    // Fan-out: it is a note, so it reaches a same-campus follower's following feed.
    await waitFor(
      "the following feed",
      () => feedIds("/api/feed/following", insider),
      (page) => page.includes(note.id),
    );
    await rsvp(insider, note.id, "going");

    // The outsider and the signed-out reader: nothing, anywhere.
    for (const who of [outsider, undefined]) {
      expect(await listed("/api/events?scope=campus", who)).not.toContain(note.id);
      expect(await listed(`/api/users/${club.id}/events`, who)).not.toContain(note.id);
      expect(await listed(`/api/users/${expert.id}/events`, who)).not.toContain(note.id);
      await expectProblem(await call(`/api/notes/${note.id}`, who ? { cookie: who.cookie } : {}), 404);
      await expectProblem(await call(`/api/events/${note.id}`, who ? { cookie: who.cookie } : {}), 404);
      const search = await json<{ results: { note: { id: string } }[] }>(
        await call(`/api/search/notes?q=${word}`, who ? { cookie: who.cookie } : {}),
      );
      expect(search.results).toEqual([]);
      expect(await feedIds("/api/feed/discover", who)).not.toContain(note.id);
    }
    expect(await listed("/api/events?scope=following", outsider)).not.toContain(note.id);
    expect(await listed("/api/events?scope=mine", outsider)).not.toContain(note.id);
    expect(await feedIds("/api/feed/following", outsider)).not.toContain(note.id);
    await expectProblem(await rsvpCall(outsider, note.id, "going"), 404);
    await expectProblem(await call(`/api/events/${note.id}/ics`, { cookie: outsider.cookie }), 404);
    await expectProblem(await call(`/api/events/${note.id}/attendees.csv`, { cookie: outsider.cookie }), 404);
    await expectProblem(await call(`/api/events/${note.id}/attendees`, { cookie: outsider.cookie }), 404);
    await expectProblem(await call("/api/events?scope=following"), 401);
    await expectProblem(await call("/api/events?scope=mine"), 401);
    // The expert, a party to it, still sees their own event wherever they study.
    await json(await call(`/api/events/${note.id}`, { cookie: expert.cookie }));
    const rows = await env.DB.prepare(
      "select count(*) as n from event_rsvps where note_id = ? and user_id = ?",
    )
      .bind(note.id, outsider.id)
      .first();
    expect(rows).toEqual({ n: 0 });
  });

  it("a followers-only event reaches followers alone; a public one everyone, signed out included", async () => {
    const organiser = await account("student", "um");
    const { note: forFollowers } = await publish(
      organiser,
      await invitation(organiser, await account("expert")),
      "followers",
    );
    const { note: open } = await publish(
      organiser,
      await invitation(organiser, await account("expert"), { start: Date.now() + 90 * 3_600_000 }),
      "public",
    );
    const fan = await account("student", "nus");
    await follow(fan, organiser);
    const stranger = await account("student", "um");
    expect(await listed(`/api/users/${organiser.id}/events`, fan)).toEqual([forFollowers.id, open.id]);
    expect(await listed(`/api/users/${organiser.id}/events`, stranger)).toEqual([open.id]);
    expect(await listed(`/api/users/${organiser.id}/events`)).toEqual([open.id]);
    expect(await listed("/api/events?scope=campus")).toContain(open.id);
    await expectProblem(await rsvpCall(stranger, forFollowers.id, "going"), 404);
    await rsvp(fan, forFollowers.id, "going");
    expect(await listed("/api/events?scope=mine", fan)).toEqual([forFollowers.id]);
    expect(await listed("/api/events?scope=mine", organiser)).toEqual([forFollowers.id, open.id]);
  });
});

describe("event lists", () => {
  it("following: organisers and publicly named experts I follow; upcoming soonest first; past ones on the profile, latest first", async () => {
    const named = await account("expert", null, "Named Expert");
    const shy = await account("expert", null, "Shy Expert");
    const organiser = await account("student", "ukm");
    const soon = Date.now() + 30 * 3_600_000;
    const later = Date.now() + 60 * 3_600_000;
    const { note: second } = await publish(organiser, await invitation(organiser, named, { start: later }));
    const { note: first } = await publish(organiser, await invitation(organiser, named, { start: soon }));
    const { note: hidden } = await publish(
      organiser,
      await invitation(organiser, shy, { expertNamedPublicly: false, start: soon + 3_600_000 }),
    );
    const reader = await account("student", "ukm");
    await follow(reader, named, shy);
    expect(await listed("/api/events?scope=following", reader)).toEqual([first.id, second.id]);
    await follow(reader, organiser);
    expect(await listed("/api/events?scope=following", reader)).toEqual([first.id, hidden.id, second.id]);
    // Campus: the organiser's campus, soonest first.
    expect(await listed("/api/events?scope=campus", reader)).toEqual([first.id, hidden.id, second.id]);
    // Once over, an event leaves the upcoming lists and shows among the past ones on profiles.
    await env.DB.prepare(
      "update invitations set scheduled_start = ?, status = 'completed' where id = (select invitation_id from events where note_id = ?)",
    )
      .bind(Date.now() - 5 * 3_600_000, first.id)
      .run();
    expect(await listed("/api/events?scope=campus", reader)).toEqual([hidden.id, second.id]);
    expect(await listed(`/api/users/${named.id}/events?when=past`, reader)).toEqual([first.id]);
    expect(await listed(`/api/users/${named.id}/events`, reader)).toEqual([second.id]);
    expect(await listed(`/api/users/${shy.id}/events`, reader)).toEqual([]);
  });

  it("bad input is 400 and an unknown or blocking user 404", async () => {
    const reader = await account("student");
    await expectProblem(await call("/api/events?scope=everything", { cookie: reader.cookie }), 400);
    await expectProblem(await call("/api/events?limit=0", { cookie: reader.cookie }), 400);
    await expectProblem(
      await call(`/api/users/${crypto.randomUUID()}/events`, { cookie: reader.cookie }),
      404,
    );
    await expectProblem(await call("/api/users/not-an-id/events"), 400);
    await expectProblem(await call(`/api/users/${reader.id}/events?when=someday`), 400);
    await expectProblem(await call("/api/events/not-an-id"), 400);
    const organiser = await account("student");
    await publish(organiser, await invitation(organiser, await account("expert")));
    await env.DB.prepare("insert into blocks (blocker_id, blocked_id, created_at) values (?, ?, 0)")
      .bind(organiser.id, reader.id)
      .run();
    await expectProblem(await call(`/api/users/${organiser.id}/events`, { cookie: reader.cookie }), 404);
  });
});
