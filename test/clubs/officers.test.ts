import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json, signUp } from "../support/http";

/**
 * Club officers by consent: a club only invites; the student's yes makes the office and the
 * connection; a block, either way, ends both and stops a new invitation.
 */

interface MyClubs {
  serving: { invitationId: string; clubId: string; name: string; title: string }[];
  pending: { invitationId: string; clubId: string; name: string; title: string }[];
}
interface ClubOfficers {
  officers: { invitationId: string; userId: string; displayName: string; title: string; status: string }[];
}

async function clubAndStudent() {
  const [club, student] = await Promise.all([
    signUp({ role: "club", displayName: "Robotics Club" }),
    signUp({ role: "student", displayName: "Officer One" }),
  ]);
  return { club, student };
}

async function invite(clubCookie: string, userId: string, title = "President") {
  return call("/api/clubs/me/officers", { cookie: clubCookie, json: { userId, title } });
}

async function myClubs(cookie: string) {
  return json<MyClubs>(await call("/api/me/clubs", { cookie }));
}

async function answer(cookie: string, id: string, action: string) {
  return call(`/api/officer-invitations/${id}/${action}`, { method: "POST", cookie });
}

async function officerRow(clubId: string, userId: string) {
  return env.DB.prepare("select title from club_officers where club_id = ? and user_id = ?")
    .bind(clubId, userId)
    .first<{ title: string }>();
}

async function edge(a: string, b: string) {
  return env.DB.prepare("select source from connections where user_id = ? and peer_id = ?")
    .bind(a, b)
    .first<{ source: string }>();
}

async function publicOfficers(clubId: string) {
  const body = await json<{ profile: { club: { officers: { id: string }[] } } }>(
    await call(`/api/profiles/${clubId}`),
  );
  return body.profile.club.officers.map((o) => o.id);
}

/** Invites through the API and accepts as the student; returns the invitation id. */
async function appoint(club: { cookie: string }, student: { cookie: string; id: string }) {
  const { id } = await json<{ id: string }>(await invite(club.cookie, student.id), 201);
  await json(await answer(student.cookie, id, "accept"));
  return id;
}

describe("club officers by consent", () => {
  it("PATCH with officers invites: no office, no connection, no direct room until the student says yes", async () => {
    const { club, student } = await clubAndStudent();
    await json(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: club.cookie,
        json: { club: { name: "Robotics", officers: [{ userId: student.id, title: "President" }] } },
      }),
    );
    expect(await officerRow(club.id, student.id)).toBeNull();
    expect(await edge(student.id, club.id)).toBeNull();
    expect(await publicOfficers(club.id)).toEqual([]);
    // No way in to the student's messages through the office that was never accepted.
    const dm = await expectProblem(
      await call("/api/rooms/dm", { cookie: club.cookie, json: { userId: student.id } }),
      403,
    );
    expect(dm).toMatchObject({ code: "needs-request" });
    // The student sees the invitation, with its status, on the clubs page and in a notification.
    const mine = await myClubs(student.cookie);
    expect(mine.serving).toEqual([]);
    expect(mine.pending).toEqual([
      expect.objectContaining({ clubId: club.id, name: "Robotics", title: "President" }),
    ]);
    const inbox = await json<{
      notifications: { type: string; officerInvitation: { id: string; status: string } | null }[];
    }>(await call("/api/notifications", { cookie: student.cookie }));
    expect(inbox.notifications).toEqual([
      expect.objectContaining({
        type: "officer-invitation",
        officerInvitation: { id: mine.pending[0]?.invitationId, status: "pending" },
      }),
    ]);
    // The club sees it as pending; saving the same list again does not invite twice.
    await json(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: club.cookie,
        json: { club: { officers: [{ userId: student.id, title: "President" }] } },
      }),
    );
    const officers = await json<ClubOfficers>(await call("/api/clubs/me/officers", { cookie: club.cookie }));
    expect(officers.officers).toEqual([expect.objectContaining({ userId: student.id, status: "pending" })]);
  });

  it("accept makes the officer and the connection; the office shows on the profile and in /api/me", async () => {
    const { club, student } = await clubAndStudent();
    const { id } = await json<{ id: string; status: string }>(await invite(club.cookie, student.id), 201);
    const accepted = await json<{ status: string }>(await answer(student.cookie, id, "accept"));
    expect(accepted.status).toBe("accepted");
    expect(await officerRow(club.id, student.id)).toEqual({ title: "President" });
    expect((await edge(student.id, club.id))?.source).toBe("club");
    expect(await publicOfficers(club.id)).toEqual([student.id]);
    const me = await json<{ clubs: { id: string }[] }>(await call("/api/me", { cookie: student.cookie }));
    expect(me.clubs.map((c) => c.id)).toEqual([club.id]);
    const mine = await myClubs(student.cookie);
    expect(mine.pending).toEqual([]);
    expect(mine.serving).toEqual([expect.objectContaining({ invitationId: id, clubId: club.id })]);
    // The notification's actions are spent.
    const inbox = await json<{ notifications: { officerInvitation: { status: string } | null }[] }>(
      await call("/api/notifications", { cookie: student.cookie }),
    );
    expect(inbox.notifications[0]?.officerInvitation?.status).toBe("accepted");
    await expectProblem(await answer(student.cookie, id, "accept"), 409);
    await expectProblem(await invite(club.cookie, student.id), 409);
  });

  it("decline makes nothing, and the club cannot ask again for 30 days", async () => {
    const { club, student } = await clubAndStudent();
    const { id } = await json<{ id: string }>(await invite(club.cookie, student.id), 201);
    expect((await json<{ status: string }>(await answer(student.cookie, id, "decline"))).status).toBe(
      "declined",
    );
    expect(await officerRow(club.id, student.id)).toBeNull();
    expect(await edge(student.id, club.id)).toBeNull();
    expect(await myClubs(student.cookie)).toEqual({ serving: [], pending: [] });
    await expectProblem(await answer(student.cookie, id, "accept"), 409);
    const again = await expectProblem(await invite(club.cookie, student.id), 409);
    expect(again).toMatchObject({ code: "declined-recently" });
    // Thirty-one days later (the decline moved back in time rather than waiting), a new ask is allowed.
    await env.DB.prepare("update officer_invitations set answered_at = answered_at - ? where id = ?")
      .bind(31 * 86_400_000, id)
      .run();
    await json(await invite(club.cookie, student.id), 201);
  });

  it("a withdrawal or a leave cools down like a decline: no fresh notification for 30 days", async () => {
    const { club, student } = await clubAndStudent();
    const { id } = await json<{ id: string }>(await invite(club.cookie, student.id), 201);
    const withdrawn = await call(`/api/clubs/me/officers/${student.id}`, {
      method: "DELETE",
      cookie: club.cookie,
    });
    expect(withdrawn.status).toBe(204);
    const again = await expectProblem(await invite(club.cookie, student.id), 409);
    expect(again).toMatchObject({ code: "declined-recently" });
    const patched = await expectProblem(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: club.cookie,
        json: { club: { officers: [{ userId: student.id, title: "President" }] } },
      }),
      409,
    );
    expect(patched).toMatchObject({ code: "declined-recently" });
    await env.DB.prepare("update officer_invitations set answered_at = answered_at - ? where id = ?")
      .bind(31 * 86_400_000, id)
      .run();
    const second = await appoint(club, student);
    expect((await json<{ status: string }>(await answer(student.cookie, second, "leave"))).status).toBe(
      "left",
    );
    const afterLeave = await expectProblem(await invite(club.cookie, student.id), 409);
    expect(afterLeave).toMatchObject({ code: "declined-recently" });
  });

  it("who may not: only the student answers, only clubs invite, only students serve", async () => {
    const { club, student } = await clubAndStudent();
    const [other, expert, otherClub] = await Promise.all([
      signUp(),
      signUp({ role: "expert" }),
      signUp({ role: "club" }),
    ]);
    const { id } = await json<{ id: string }>(await invite(club.cookie, student.id), 201);
    // Someone else cannot see or answer it; the club cannot accept for the student.
    await expectProblem(await answer(other.cookie, id, "accept"), 404);
    await expectProblem(await answer(otherClub.cookie, id, "accept"), 404);
    await expectProblem(await answer(club.cookie, id, "accept"), 403);
    await expectProblem(await answer(student.cookie, id, "leave"), 409);
    await expectProblem(await answer(student.cookie, id, "dance"), 400);
    await expectProblem(await answer(student.cookie, "not-a-uuid", "accept"), 400);
    await expectProblem(await answer(student.cookie, crypto.randomUUID(), "accept"), 404);
    // Only a club invites, and only a student can be invited.
    await expectProblem(await invite(student.cookie, other.id), 403);
    await expectProblem(await invite(club.cookie, expert.id), 400);
    await expectProblem(await invite(club.cookie, crypto.randomUUID()), 400);
    await expectProblem(await invite(club.cookie, student.id), 409);
    await expectProblem(
      await call("/api/clubs/me/officers", { cookie: club.cookie, json: { userId: 7 } }),
      400,
    );
    await expectProblem(await call("/api/me/clubs"), 401);
    await expectProblem(await call("/api/clubs/me/officers", { cookie: student.cookie }), 403);
    await expectProblem(
      await call(`/api/clubs/me/officers/${student.id}`, { method: "DELETE", cookie: otherClub.cookie }),
      404,
    );
    await expectProblem(await invite(club.cookie, other.id, "x".repeat(61)), 400);
    // The PATCH names students only, as before.
    await expectProblem(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: club.cookie,
        json: { club: { officers: [{ userId: expert.id, title: "President" }] } },
      }),
      400,
    );
  });

  it("a block by the student ends the office and the connection; the club cannot invite again", async () => {
    const { club, student } = await clubAndStudent();
    const id = await appoint(club, student);
    expect(await officerRow(club.id, student.id)).not.toBeNull();
    expect((await call(`/api/blocks/${club.id}`, { method: "PUT", cookie: student.cookie })).status).toBe(
      204,
    );
    expect(await officerRow(club.id, student.id)).toBeNull();
    expect(await edge(student.id, club.id)).toBeNull();
    expect(await publicOfficers(club.id)).toEqual([]);
    const me = await json<{ clubs: unknown[] }>(await call("/api/me", { cookie: student.cookie }));
    expect(me.clubs).toEqual([]);
    const row = await env.DB.prepare("select status from officer_invitations where id = ?")
      .bind(id)
      .first<{ status: string }>();
    expect(row?.status).toBe("blocked");
    await expectProblem(await invite(club.cookie, student.id), 403);
    await expectProblem(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: club.cookie,
        json: { club: { officers: [{ userId: student.id, title: "President" }] } },
      }),
      403,
    );
    expect(await officerRow(club.id, student.id)).toBeNull();
    expect(await myClubs(student.cookie)).toEqual({ serving: [], pending: [] });
  });

  it("a block by the club ends a pending invitation; it cannot be accepted afterwards", async () => {
    const { club, student } = await clubAndStudent();
    const { id } = await json<{ id: string }>(await invite(club.cookie, student.id), 201);
    expect((await call(`/api/blocks/${student.id}`, { method: "PUT", cookie: club.cookie })).status).toBe(
      204,
    );
    expect(await myClubs(student.cookie)).toEqual({ serving: [], pending: [] });
    await expectProblem(await answer(student.cookie, id, "accept"), 409);
    expect(await officerRow(club.id, student.id)).toBeNull();
    expect(await edge(student.id, club.id)).toBeNull();
    // Unblocking does not revive anything; a new invitation is needed.
    await call(`/api/blocks/${student.id}`, { method: "DELETE", cookie: club.cookie });
    expect(await myClubs(student.cookie)).toEqual({ serving: [], pending: [] });
  });

  it("leave ends the office and the club connection; the club can withdraw and remove", async () => {
    const { club, student } = await clubAndStudent();
    const id = await appoint(club, student);
    expect((await json<{ status: string }>(await answer(student.cookie, id, "leave"))).status).toBe("left");
    expect(await officerRow(club.id, student.id)).toBeNull();
    expect(await edge(student.id, club.id)).toBeNull();
    expect(await myClubs(student.cookie)).toEqual({ serving: [], pending: [] });

    // The club withdraws a pending invitation and removes an accepted officer.
    const second = await signUp();
    const pending = await json<{ id: string }>(await invite(club.cookie, second.id), 201);
    const del = await call(`/api/clubs/me/officers/${second.id}`, { method: "DELETE", cookie: club.cookie });
    expect(del.status).toBe(204);
    await expectProblem(await answer(second.cookie, pending.id, "accept"), 409);
    const fourth = await signUp();
    await appoint(club, fourth);
    await call(`/api/clubs/me/officers/${fourth.id}`, { method: "DELETE", cookie: club.cookie });
    expect(await officerRow(club.id, fourth.id)).toBeNull();
    expect(await edge(fourth.id, club.id)).toBeNull();
    await expectProblem(
      await call(`/api/clubs/me/officers/${fourth.id}`, { method: "DELETE", cookie: club.cookie }),
      404,
    );
    // A PATCH that leaves an officer out removes them, as the list always meant.
    const third = await signUp();
    await appoint(club, third);
    await json(
      await call("/api/me/profile", {
        method: "PATCH",
        cookie: club.cookie,
        json: { club: { officers: [] } },
      }),
    );
    expect(await officerRow(club.id, third.id)).toBeNull();
  });
});

describe("officer invitations under pressure", () => {
  it("an accept racing a withdraw: exactly one applies, and the office matches the status", async () => {
    const { club, student } = await clubAndStudent();
    const { id } = await json<{ id: string }>(await invite(club.cookie, student.id), 201);
    const [accepted, withdrawn] = await Promise.all([
      answer(student.cookie, id, "accept"),
      call(`/api/clubs/me/officers/${student.id}`, { method: "DELETE", cookie: club.cookie }),
    ]);
    const statuses = [accepted.status, withdrawn.status].sort();
    // Either the accept won (the withdraw then finds an officer and removes them: both succeed), or
    // the withdraw won and the accept is refused.
    expect([
      [200, 204],
      [204, 409],
    ]).toContainEqual(statuses);
    const row = await env.DB.prepare("select status from officer_invitations where id = ?")
      .bind(id)
      .first<{ status: string }>();
    expect(["withdrawn", "removed"]).toContain(row?.status);
    expect(await officerRow(club.id, student.id)).toBeNull();
    expect(await edge(student.id, club.id)).toBeNull();
  });

  it("a club may send 30 officer invitations a day; the 31st is a 429 with Retry-After", async () => {
    const club = await signUp({ role: "club" });
    const students = Array.from({ length: 31 }, () => crypto.randomUUID());
    await env.DB.batch(
      students.map((id) =>
        env.DB.prepare(
          "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', 'S', 'student', 0, 0)",
        ).bind(id, `${id}@students.test`),
      ),
    );
    for (const id of students.slice(0, 30)) await json(await invite(club.cookie, id), 201);
    const refused = await invite(club.cookie, students[30] ?? "");
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await expectProblem(refused, 429)).toMatchObject({ code: "officer-invitations" });
  });
});

describe("an officer of many clubs", () => {
  it("an accepted officer of 120 clubs gets their dashboard, /api/me and rooms (no 100-parameter 500)", async () => {
    const student = await signUp();
    const insertUser =
      "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', ?, 'club', 0, 0)";
    const clubs = Array.from({ length: 120 }, () => crypto.randomUUID());
    await env.DB.batch(
      clubs.flatMap((id, n) => [
        env.DB.prepare(insertUser).bind(id, `${id}@clubs.test`, `Club ${n}`),
        env.DB.prepare("insert into club_profiles (user_id, name, updated_at) values (?, ?, 0)").bind(
          id,
          `Club ${n}`,
        ),
        env.DB.prepare(
          "insert into officer_invitations (id, club_id, user_id, title, status, created_at, answered_at) values (?, ?, ?, 'Officer', 'accepted', 0, 0)",
        ).bind(crypto.randomUUID(), id, student.id),
        env.DB.prepare("insert into club_officers (club_id, user_id) values (?, ?)").bind(id, student.id),
      ]),
    );
    for (const bucket of ["pending", "upcoming", "past"]) {
      const dashboard = await json<{ counts: Record<string, number> }>(
        await call(`/api/invitations?bucket=${bucket}`, { cookie: student.cookie }),
      );
      expect(dashboard.counts).toEqual({ pending: 0, upcoming: 0, past: 0 });
    }
    const me = await json<{ clubs: unknown[] }>(await call("/api/me", { cookie: student.cookie }));
    expect(me.clubs).toHaveLength(120);
    expect((await myClubs(student.cookie)).serving).toHaveLength(120);
    await json(await call("/api/rooms", { cookie: student.cookie }));
  });
});
