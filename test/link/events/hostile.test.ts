import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json } from "../../support/http";
import { block, follow, type Person } from "../../support/link";
import { account, invitation, notificationsOf, publish, rsvp, rsvpCall } from "./fixtures";

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

describe("a block ends event ties", () => {
  it("blocking someone going to your event (as its expert or organiser) frees their seat for the waitlist's first", async () => {
    for (const side of ["expert", "organiser"] as const) {
      const organiser = await account("student");
      const expert = await account("expert");
      const { note } = await publish(
        organiser,
        await invitation(organiser, expert, { audienceSize: 1 }),
        "public",
      );
      const unwanted = await account("student");
      const next = await account("student");
      await rsvp(unwanted, note.id, "going");
      expect((await rsvp(next, note.id, "going")).event.viewer.rsvp).toBe("waitlisted");
      const blocker = side === "expert" ? expert : organiser;
      const blocked = await call(`/api/blocks/${unwanted.id}`, { method: "PUT", cookie: blocker.cookie });
      expect(blocked.status, side).toBeLessThan(300);
      const seen = await json<{
        event: { viewer: { rsvp: string | null }; counts: { going: number; waitlisted: number } };
      }>(await call(`/api/events/${note.id}`, { cookie: next.cookie }));
      expect(seen.event.viewer.rsvp, side).toBe("going");
      expect(seen.event.counts, side).toMatchObject({ going: 1, waitlisted: 0 });
      expect(await notificationsOf(next.id, "event.seat"), side).toHaveLength(1);
      const left = await env.DB.prepare(
        "select count(*) as n from event_rsvps where note_id = ? and user_id = ?",
      )
        .bind(note.id, unwanted.id)
        .first<{ n: number }>();
      expect(left?.n, side).toBe(0);
    }
  });
});

describe("odd input never answers 500", () => {
  it("every event route, and the lifecycle's new ones, answer odd params, bodies and content types with 4xx", async () => {
    const organiser = await account("student");
    const expert = await account("expert");
    const invitationId = await invitation(organiser, expert);
    const { note } = await publish(organiser, invitationId, "public");
    const reader = await account("student");
    const huge = "x".repeat(1_000_000);
    const badIds = ["not-a-uuid", "-1", "NaN", "9".repeat(400), "%00", "..%2F..%2Fadmin"];
    const responses: [string, Response][] = [];
    const hit = async (label: string, path: string, init: Parameters<typeof call>[1] = {}) =>
      responses.push([label, await call(path, { cookie: organiser.cookie, ...init })]);

    for (const id of badIds) {
      await hit(`read ${id}`, `/api/events/${id}`);
      await hit(`rsvp ${id}`, `/api/events/${id}/rsvp`, { method: "PUT", json: { status: "going" } });
      await hit(`attendees ${id}`, `/api/events/${id}/attendees`);
      await hit(`csv ${id}`, `/api/events/${id}/attendees.csv`);
      await hit(`ics ${id}`, `/api/events/${id}/ics`);
      await hit(`recap ${id}`, `/api/events/${id}/recap`, { json: { body: "x" } });
      await hit(`user events ${id}`, `/api/users/${id}/events`);
      await hit(`busy ${id}`, `/api/experts/${id}/busy`);
      await hit(`link ${id}`, `/api/invitations/${id}/meeting-link`, {
        method: "PATCH",
        json: { url: null },
      });
      await hit(`reschedule ${id}`, `/api/invitations/${id}/reschedule`, { json: { slots: [] } });
    }
    for (const q of [
      "limit=NaN",
      "limit=-1",
      "limit=1e309",
      "limit=99999999999999999999",
      "scope=evil",
      "scope=",
    ])
      await hit(`list ${q}`, `/api/events?${q}`);
    for (const q of ["when=evil", "limit=0", "limit=Infinity"])
      await hit(`by user ${q}`, `/api/users/${organiser.id}/events?${q}`);
    for (const q of [
      "from=9999-12-31T00:00:00Z",
      "from=0000-01-01T00:00:00Z&to=0000-02-01T00:00:00Z",
      "from=2026-03-29T02:30:00%2B01:00",
      "to=1970-01-01T00:00:00Z",
      "from=2026-01-01",
    ])
      await hit(`busy ${q}`, `/api/experts/${expert.id}/busy?${q}`, { cookie: reader.cookie });

    const rsvpPath = `/api/events/${note.id}/rsvp`;
    const bodies: [string, Parameters<typeof call>[1]][] = [
      ["no body", { method: "PUT" }],
      ["empty json", { method: "PUT", body: "", headers: { "content-type": "application/json" } }],
      ["broken json", { method: "PUT", body: "{", headers: { "content-type": "application/json" } }],
      ["array", { method: "PUT", json: [{ status: "going" }] }],
      ["null", { method: "PUT", json: null }],
      [
        "form",
        {
          method: "PUT",
          body: "status=going",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        },
      ],
      ["text", { method: "PUT", body: "going", headers: { "content-type": "text/plain" } }],
      ["number status", { method: "PUT", json: { status: 1 } }],
      [
        "proto",
        {
          method: "PUT",
          body: '{"__proto__":{"status":"going"}}',
          headers: { "content-type": "application/json" },
        },
      ],
    ];
    for (const [label, init] of bodies)
      await hit(`rsvp ${label}`, rsvpPath, { ...init, cookie: reader.cookie });
    await hit("publish huge body", "/api/events", {
      json: { invitationId, visibility: "public", body: huge },
    });
    await hit("publish no body", "/api/events", { method: "POST" });
    await hit("publish array", "/api/events", { json: [] });
    await hit("publish private", "/api/events", { json: { invitationId, visibility: "private" } });
    await hit("recap 1000 images", `/api/events/${note.id}/recap`, {
      json: { body: "x", imageIds: Array.from({ length: 1000 }, () => crypto.randomUUID()) },
    });
    await hit("recap huge", `/api/events/${note.id}/recap`, { json: { body: huge } });
    await hit("recap empty title", `/api/events/${note.id}/recap`, { json: { title: "   ", body: "x" } });
    await hit("link huge", `/api/invitations/${invitationId}/meeting-link`, {
      method: "PATCH",
      json: { url: `https://meet.example/${huge}` },
    });
    await hit("link data", `/api/invitations/${invitationId}/meeting-link`, {
      method: "PATCH",
      json: { url: "data:text/html,<script>alert(1)</script>" },
    });
    await hit("link javascript", `/api/invitations/${invitationId}/meeting-link`, {
      method: "PATCH",
      json: { url: " JaVaScRiPt:alert(1)//https://x" },
    });
    await hit("reschedule 1000 slots", `/api/invitations/${invitationId}/reschedule`, {
      json: {
        slots: Array.from({ length: 1000 }, (_, i) =>
          new Date(Date.now() + (i + 2) * 86_400_000).toISOString(),
        ),
      },
    });
    await hit("reschedule year 9999", `/api/invitations/${invitationId}/reschedule`, {
      json: { slots: ["9999-12-31T23:30:00Z"] },
    });
    await hit("reschedule past", `/api/invitations/${invitationId}/reschedule`, {
      json: { slots: ["1970-01-01T00:00:00Z"] },
    });
    await hit("reschedule DST gap", `/api/invitations/${invitationId}/reschedule`, {
      json: { slots: ["2027-03-28T02:30:00+01:00"] },
    });

    const fiveHundreds = responses
      .filter(([, r]) => r.status >= 500)
      .map(([label, r]) => `${label}: ${r.status}`);
    expect(fiveHundreds).toEqual([]);
    for (const [label, r] of responses)
      if (r.status >= 400) expect(r.headers.get("content-type") ?? "", label).toContain("problem+json");
    // Nothing odd got through: no recap, the link unchanged, the event as published.
    const after = await json<{ event: { recapNoteId: string | null; meetingLink: string | null } }>(
      await call(`/api/events/${note.id}`, { cookie: organiser.cookie }),
    );
    expect(after.event.recapNoteId).toBeNull();
    expect(after.event.meetingLink).toBe("https://meet.example/abc");
  });
});

describe("the event's calendar file under injection", () => {
  it("CR, LF, commas and semicolons in the title, venue and note body stay inside their properties", async () => {
    const organiser = await account("student");
    const expert = await account("expert");
    const id = await invitation(organiser, expert, {
      title: "Talk\r\nBEGIN:VALARM\r\nTRIGGER:-PT1M\r\nEND:VALARM",
      format: "onsite",
      venue: "Hall A;\nX-INJECT:1,\rATTENDEE:mailto:evil@example.com",
    });
    const { note } = await publish(organiser, id, "public", {
      body: "Bring laptops\nEND:VEVENT\nBEGIN:VEVENT",
    });
    const response = await call(`/api/events/${note.id}/ics`, { cookie: organiser.cookie });
    expect(response.status).toBe(200);
    const text = await response.text();
    // Unfold (RFC 5545 §3.1), then every content line is one of ours.
    const lines = text
      .replace(/\r\n[ \t]/g, "")
      .split("\r\n")
      .filter(Boolean);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const names = lines.map((line) => line.split(/[:;]/)[0]);
    expect(names).toEqual([
      "BEGIN",
      "VERSION",
      "PRODID",
      "CALSCALE",
      "METHOD",
      "BEGIN",
      "UID",
      "DTSTAMP",
      "SEQUENCE",
      "DTSTART",
      "DTEND",
      "SUMMARY",
      "DESCRIPTION",
      "LOCATION",
      "URL",
      "STATUS",
      "END",
      "END",
    ]);
    expect(lines.find((l) => l.startsWith("LOCATION:"))).toBe(
      "LOCATION:Hall A\\;\\nX-INJECT:1\\,\\nATTENDEE:mailto:evil@example.com",
    );
  });
});
