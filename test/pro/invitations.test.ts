import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adaptersFor } from "../../worker/src/wiring";
import { call, expectProblem, signUp, waitForMail } from "../support/http";
import { act, draft, expert, hoursFromNow, invitationBody, page } from "./fixtures";

describe("invitations", () => {
  it("student drafts, sends; the expert accepts a slot; both see it scheduled, get mail with the calendar, and can download the .ics", async () => {
    const pro = await expert();
    const student = await signUp({ displayName: "Aina" });
    const id = await draft(student.cookie, pro.id);
    await expectProblem(await call(`/api/invitations/${id}`, { cookie: pro.cookie }), 404); // drafts are the requester's alone
    expect((await act(student.cookie, id, "send")).status).toBe(200);
    await waitForMail(pro.email, "new invitation");

    const seen = await page(pro.cookie, id);
    expect(seen.actions.sort()).toEqual(["accept", "counter", "decline"]);
    const slot = seen.slots[1];
    const accepted = await act(pro.cookie, id, "accept", { slotId: slot?.id, message: "Happy to!" });
    expect(await accepted.json()).toEqual({ status: "scheduled" });

    const mine = await page(student.cookie, id);
    expect(mine.invitation.status).toBe("scheduled");
    expect(mine.invitation.scheduledStart).toBe(slot?.startsAt);
    expect(mine.history.map((h) => h.toStatus)).toEqual(["draft", "sent", "accepted", "scheduled"]);

    const mail = await waitForMail(student.email, "scheduled");
    const row = await env.DB.prepare(
      "select attachments from outbox_mails where \"to\" = ? and subject like '%scheduled%'",
    )
      .bind(student.email)
      .first<{ attachments: string }>();
    const [attachment] = JSON.parse(row?.attachments ?? "[]") as { filename: string; content: string }[];
    expect(attachment?.filename).toBe("invitation.ics");
    expect(atob(attachment?.content ?? "")).toContain("BEGIN:VEVENT");
    expect(mail.text).toContain("Happy to!");

    for (const who of [student, pro]) {
      const ics = await call(`/api/invitations/${id}/ics`, { cookie: who.cookie });
      expect(ics.status).toBe(200);
      expect(ics.headers.get("content-type")).toContain("text/calendar");
      const text = await ics.text();
      const start = new Date(slot?.startsAt ?? "").toISOString().replace(/[-:]/g, "").replace(".000", "");
      expect(text).toContain(`DTSTART:${start}`);
      expect(text).toContain("\r\nEND:VCALENDAR\r\n");
      for (const line of text.split("\r\n"))
        expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    }
  });

  it("counter-proposal: the expert proposes other times, the requester accepts one", async () => {
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    await act(student.cookie, id, "send");
    const newTime = hoursFromNow(150);
    expect(
      (await act(pro.cookie, id, "counter", { slots: [newTime], message: "Evenings are better" })).status,
    ).toBe(200);
    const view = await page(student.cookie, id);
    expect(view.invitation.status).toBe("countered");
    expect(view.actions.sort()).toEqual(["accept", "cancel", "counter", "decline"]);
    const offered = view.slots.filter((s) => s.current);
    expect(offered.map((s) => s.startsAt)).toEqual([newTime]);
    // The requester cannot accept their own original time.
    const original = view.slots.find((s) => !s.current);
    await expectProblem(await act(student.cookie, id, "accept", { slotId: original?.id }), 400);
    expect((await act(student.cookie, id, "accept", { slotId: offered[0]?.id })).status).toBe(200);
    expect((await page(pro.cookie, id)).invitation.status).toBe("scheduled");
  });

  it("invalid transitions answer 409 problem+json; the wrong party too", async () => {
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    await expectProblem(await act(student.cookie, id, "complete"), 409);
    await act(student.cookie, id, "send");
    await expectProblem(await act(student.cookie, id, "accept", { slotId: crypto.randomUUID() }), 409);
    await expectProblem(await act(student.cookie, id, "send"), 409);
    await expectProblem(await act(pro.cookie, id, "cancel"), 409);
    expect((await act(pro.cookie, id, "decline", { message: "Travelling that month" })).status).toBe(200);
    await expectProblem(await act(pro.cookie, id, "accept"), 409);
    await expectProblem(await act(student.cookie, id, "cancel"), 409);
  });

  it("two concurrent answers: exactly one applies", async () => {
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    await act(student.cookie, id, "send");
    // From "sent", either answer makes the other invalid, whichever lands first.
    const results = await Promise.all([act(pro.cookie, id, "decline"), act(student.cookie, id, "cancel")]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const history = (await page(student.cookie, id)).history;
    expect(history.filter((h) => h.action === "decline" || h.action === "cancel")).toHaveLength(1);
  });

  it("validates slots against the expert's availability and the deadline", async () => {
    const pro = await expert([{ weekday: 2, start: "19:00", end: "21:00", timeZone: "Asia/Kuala_Lumpur" }]);
    const student = await signUp();
    const outside = await call("/api/invitations", { cookie: student.cookie, json: invitationBody(pro.id) });
    const problem = await expectProblem(outside, 400);
    expect(problem).toMatchObject({ field: "slots" });
    // Tuesday 19:00 Kuala Lumpur is 11:00 UTC.
    const nextTuesday = new Date();
    nextTuesday.setUTCDate(nextTuesday.getUTCDate() + ((2 - nextTuesday.getUTCDay() + 7) % 7) + 7);
    nextTuesday.setUTCHours(11, 0, 0, 0);
    const ok = await call("/api/invitations", {
      cookie: student.cookie,
      json: invitationBody(pro.id, { slots: [nextTuesday.toISOString()], durationMinutes: 90 }),
    });
    expect(ok.status).toBe(201);
    const tooLong = await call("/api/invitations", {
      cookie: student.cookie,
      json: invitationBody(pro.id, { slots: [nextTuesday.toISOString()], durationMinutes: 150 }),
    });
    await expectProblem(tooLong, 400);
    const lateDeadline = invitationBody(pro.id, {
      slots: [nextTuesday.toISOString()],
      responseDeadline: new Date(nextTuesday.getTime() + 1).toISOString(),
    });
    await expectProblem(await call("/api/invitations", { cookie: student.cookie, json: lateDeadline }), 400);
    await expectProblem(
      await call("/api/invitations", {
        cookie: student.cookie,
        json: invitationBody(pro.id, { venue: undefined, format: "onsite" }),
      }),
      400,
    );
    await expectProblem(
      await call("/api/invitations", {
        cookie: student.cookie,
        json: { ...invitationBody(pro.id), slots: [] },
      }),
      400,
    );
  });

  it("who may see what: anyone but the two sides gets 404 on the invitation, thread, calendar and reviews", async () => {
    const pro = await expert();
    const student = await signUp();
    const stranger = await signUp();
    const id = await draft(student.cookie, pro.id);
    await act(student.cookie, id, "send");
    for (const path of ["", "/messages", "/ics", "/reviews"]) {
      await expectProblem(await call(`/api/invitations/${id}${path}`, { cookie: stranger.cookie }), 404);
    }
    await expectProblem(
      await call(`/api/invitations/${id}/messages`, { cookie: stranger.cookie, json: { body: "hi" } }),
      404,
    );
    await expectProblem(await act(stranger.cookie, id, "accept"), 404);
    await expectProblem(
      await call(`/api/invitations/${id}/review`, {
        cookie: stranger.cookie,
        json: { rating: 5, body: "x" },
      }),
      404,
    );
    await expectProblem(await call(`/api/invitations/${id}`), 401);
    await expectProblem(
      await call(`/api/invitations/${id}/send`, { method: "POST", cookie: student.cookie, noCsrf: true }),
      403,
    );
  });

  it("experts cannot create invitations; nobody invites a non-expert", async () => {
    const pro = await expert();
    const student = await signUp();
    await expectProblem(
      await call("/api/invitations", { cookie: pro.cookie, json: invitationBody(pro.id) }),
      403,
    );
    await expectProblem(
      await call("/api/invitations", { cookie: student.cookie, json: invitationBody(student.id) }),
      404,
    );
  });

  it("the thread is read-only once the invitation ends, and closed (404) across a block", async () => {
    const pro = await expert();
    const student = await signUp();
    const post = (cookie: string, invitation: string) =>
      call(`/api/invitations/${invitation}/messages`, { cookie, json: { body: "Still there?" } });
    const ended = await draft(student.cookie, pro.id);
    expect((await act(student.cookie, ended, "send")).status).toBe(200);
    expect((await post(pro.cookie, ended)).status).toBe(201);
    expect((await act(student.cookie, ended, "cancel")).status).toBe(200);
    const closed = await expectProblem(await post(pro.cookie, ended), 409);
    expect(closed).toMatchObject({ code: "thread-closed" });
    await expectProblem(await post(student.cookie, ended), 409);
    // The history stays readable.
    expect((await call(`/api/invitations/${ended}/messages`, { cookie: pro.cookie })).status).toBe(200);

    const blocked = await draft(student.cookie, pro.id);
    expect((await act(student.cookie, blocked, "send")).status).toBe(200);
    expect(
      (await call(`/api/blocks/${pro.id}`, { method: "PUT", cookie: student.cookie })).status,
    ).toBeLessThan(300);
    await expectProblem(await post(pro.cookie, blocked), 404);
    await expectProblem(await post(student.cookie, blocked), 404);
  });

  it("a user may post 60 thread messages an hour; the 61st is a 429", async () => {
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    expect((await act(student.cookie, id, "send")).status).toBe(200);
    const post = () =>
      call(`/api/invitations/${id}/messages`, { cookie: student.cookie, json: { body: "Hi" } });
    for (let i = 0; i < 60; i++) expect((await post()).status).toBe(201);
    expect(await expectProblem(await post(), 429)).toMatchObject({ code: "thread-messages" });
  });

  it("the thread is private to the two sides and notifies the other side", async () => {
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    await act(student.cookie, id, "send");
    const posted = await call(`/api/invitations/${id}/messages`, {
      cookie: pro.cookie,
      json: { body: "Could we do 45 minutes?" },
    });
    expect(posted.status).toBe(201);
    await call(`/api/invitations/${id}/messages`, {
      cookie: student.cookie,
      json: { body: "Yes, 45 is fine." },
    });
    const thread = (await (
      await call(`/api/invitations/${id}/messages`, { cookie: student.cookie })
    ).json()) as {
      messages: { body: string }[];
    };
    expect(thread.messages.map((m) => m.body)).toEqual(["Could we do 45 minutes?", "Yes, 45 is fine."]);
    const notes = (await (await call("/api/notifications", { cookie: student.cookie })).json()) as {
      unread: number;
      notifications: { type: string; invitationId: string }[];
    };
    expect(notes.notifications.some((n) => n.type === "invitation-message" && n.invitationId === id)).toBe(
      true,
    );
    const facts = notes.notifications.map((n) => (n as { facts?: unknown }).facts);
    expect(facts).toContainEqual({ event: "message", actor: "Dr Expert", title: "Payments at scale" });
    const read = (await (
      await call("/api/notifications/read", { cookie: student.cookie, json: {} })
    ).json()) as { unread: number };
    expect(read.unread).toBe(0);
  });

  it("completion opens one review per side; reviews feed the record", async () => {
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    await act(student.cookie, id, "send");
    const slot = (await page(pro.cookie, id)).slots[0];
    await act(pro.cookie, id, "accept", { slotId: slot?.id });
    await expectProblem(await act(student.cookie, id, "complete"), 409); // not started yet
    await expectProblem(
      await call(`/api/invitations/${id}/review`, {
        cookie: student.cookie,
        json: { rating: 5, body: "Great" },
      }),
      409,
    );
    await env.DB.prepare("update invitations set scheduled_start = ? where id = ?")
      .bind(Date.now() - 3600_000, id)
      .run();
    expect((await act(student.cookie, id, "complete")).status).toBe(200);
    expect((await page(student.cookie, id)).canReview).toBe(true);
    expect(
      (
        await call(`/api/invitations/${id}/review`, {
          cookie: student.cookie,
          json: { rating: 5, body: "Great talk" },
        })
      ).status,
    ).toBe(201);
    await expectProblem(
      await call(`/api/invitations/${id}/review`, {
        cookie: student.cookie,
        json: { rating: 4, body: "Again" },
      }),
      409,
    );
    expect(
      (
        await call(`/api/invitations/${id}/review`, {
          cookie: pro.cookie,
          json: { rating: 4, body: "Engaged audience" },
        })
      ).status,
    ).toBe(201);
    await expectProblem(
      await call(`/api/invitations/${id}/review`, { cookie: pro.cookie, json: { rating: 6, body: "x" } }),
      400,
    );
    const list = (await (await call(`/api/invitations/${id}/reviews`, { cookie: pro.cookie })).json()) as {
      reviews: { rating: number }[];
    };
    expect(list.reviews.map((r) => r.rating).sort()).toEqual([4, 5]);
  });

  it("dashboards: pending, upcoming and past, with counts, for both sides", async () => {
    const pro = await expert();
    const student = await signUp();
    const a = await draft(student.cookie, pro.id);
    const b = await draft(student.cookie, pro.id);
    const c = await draft(student.cookie, pro.id);
    await act(student.cookie, b, "send");
    await act(student.cookie, c, "send");
    const slot = (await page(pro.cookie, c)).slots[0];
    await act(pro.cookie, c, "accept", { slotId: slot?.id });
    await act(student.cookie, a, "cancel");
    const board = async (cookie: string, bucket: string) =>
      (await (await call(`/api/invitations?bucket=${bucket}`, { cookie })).json()) as {
        counts: Record<string, number>;
        invitations: { id: string; side: string }[];
      };
    const studentPending = await board(student.cookie, "pending");
    expect(studentPending.counts).toEqual({ pending: 1, upcoming: 1, past: 1 });
    expect(studentPending.invitations.map((i) => i.id)).toEqual([b]);
    const expertUpcoming = await board(pro.cookie, "upcoming");
    expect(expertUpcoming.counts).toEqual({ pending: 1, upcoming: 1, past: 0 });
    expect(expertUpcoming.invitations).toMatchObject([{ id: c, side: "expert" }]);
    await expectProblem(await call("/api/invitations?bucket=everything", { cookie: student.cookie }), 400);
    // The trigger-kept tallies equal a recount of the rows behind them, for both users.
    for (const [userId, side, column] of [
      [student.id, "requester", "requester_id"],
      [pro.id, "expert", "expert_id"],
    ] as const) {
      const tallies = await env.DB.prepare(
        "select status, n from invitation_tallies where user_id = ? and side = ? and n > 0 order by status",
      )
        .bind(userId, side)
        .all();
      const recount = await env.DB.prepare(
        `select status, count(*) as n from invitations where ${column} = ? ${side === "expert" ? "and sent_at is not null" : ""} group by status order by status`,
      )
        .bind(userId)
        .all();
      expect(tallies.results).toEqual(recount.results);
    }
  });
});

describe("the version guard", () => {
  it("of two transitions that read the same version, one applies and the other writes nothing", async () => {
    const { systemContext } = await import("../../worker/src/shared/context");
    const { transitionInvitation } = await import("../../worker/src/pro/services/transition-invitation");
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    await act(student.cookie, id, "send");
    const slot = (await page(pro.cookie, id)).slots[0];
    const actor = await env.DB.prepare("select * from users where id = ?").bind(pro.id).first();
    const asExpert = () => {
      const ctx = systemContext(env, adaptersFor(env));
      ctx.actor = {
        ...(actor as Record<string, unknown>),
        passwordHash: "",
        displayName: "Dr Expert",
        role: "expert",
        id: pro.id,
        email: pro.email,
      } as never;
      return ctx;
    };
    const outcomes = await Promise.allSettled([
      transitionInvitation({ ctx: asExpert(), input: { id, action: "accept", slotId: slot?.id ?? "" } }),
      transitionInvitation({ ctx: asExpert(), input: { id, action: "decline" } }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ status: 409 });
    const counts = await env.DB.prepare(
      "select (select count(*) from invitation_events where invitation_id = ?1 and action in ('accept', 'decline')) as events, (select count(*) from notifications where invitation_id = ?1 and type = 'invitation') as notes",
    )
      .bind(id)
      .first<{ events: number; notes: number }>();
    expect(counts?.events).toBe(1);
    // Sending notified the expert; the one answer that applied notified the student once.
    const studentNotes = await env.DB.prepare(
      "select count(*) as n from notifications where invitation_id = ? and user_id = ?",
    )
      .bind(id, student.id)
      .first<{ n: number }>();
    expect(studentNotes?.n).toBe(1);
  });
});

describe("dashboard paging", () => {
  it("walks every invitation of a bucket exactly once by cursor", async () => {
    const pro = await expert();
    const student = await signUp();
    const other = await expert();
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add(await draft(student.cookie, pro.id));
    ids.add(await draft(student.cookie, other.id));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/invitations?bucket=pending&limit=1${cursor ? `&cursor=${cursor}` : ""}`;
      const body = (await (await call(query, { cookie: student.cookie })).json()) as {
        invitations: { id: string }[];
        nextCursor: string | null;
      };
      seen.push(...body.invitations.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());
    await expectProblem(
      await call("/api/invitations?bucket=pending&cursor=nonsense", { cookie: student.cookie }),
      400,
    );
  });
});

describe("editing a draft", () => {
  it("the requester edits terms and times; the terms are checked again; sent invitations are frozen", async () => {
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    const newTimes = [hoursFromNow(200)];
    const edit = await call(`/api/invitations/${id}`, {
      method: "PATCH",
      cookie: student.cookie,
      json: { title: "Payments at scale, revised", slots: newTimes, audienceSize: 120 },
    });
    expect(edit.status).toBe(204);
    const view = await page(student.cookie, id);
    expect(view.slots.map((s) => s.startsAt)).toEqual(newTimes);
    expect((view.invitation as unknown as { title: string }).title).toBe("Payments at scale, revised");
    const badDeadline = await call(`/api/invitations/${id}`, {
      method: "PATCH",
      cookie: student.cookie,
      json: { responseDeadline: new Date(Date.parse(newTimes[0] ?? "") + 1000).toISOString() },
    });
    await expectProblem(badDeadline, 400);
    expect((await page(student.cookie, id)).slots.map((s) => s.startsAt)).toEqual(newTimes); // nothing lost
    const stranger = await signUp();
    await expectProblem(
      await call(`/api/invitations/${id}`, {
        method: "PATCH",
        cookie: stranger.cookie,
        json: { title: "Mine" },
      }),
      404,
    );
    await act(student.cookie, id, "send");
    await expectProblem(
      await call(`/api/invitations/${id}`, {
        method: "PATCH",
        cookie: student.cookie,
        json: { title: "Late" },
      }),
      409,
    );
    await expectProblem(
      await call(`/api/invitations/${id}`, {
        method: "PATCH",
        cookie: pro.cookie,
        json: { title: "Expert" },
      }),
      403,
    );
  });
});
