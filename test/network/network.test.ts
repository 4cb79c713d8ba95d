import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { act, draft as draftInvitation, expert as makeExpert } from "../pro/fixtures";
import { call, expectProblem, signUp, waitForMail } from "../support/http";

interface NetworkExpert {
  id: string;
  mutuals: number;
  via: { userId: string; displayName: string }[];
  reasons: { kind: string; value: string }[];
}

async function person(name: string, role: "student" | "expert", campusId: string | null = null) {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, campus_id, created_at, updated_at) values (?, ?, 'x', ?, ?, ?, 0, 0)",
  )
    .bind(id, `${id}@net.test`, name, role, campusId)
    .run();
  if (role === "expert")
    await env.DB.prepare(
      "insert into expert_profiles (user_id, headline, industry, topics, campus_ties, updated_at, verification) values (?, 'Engineer', 'Fintech', '[\"payments\"]', ?, 0, 'verified')",
    )
      .bind(id, JSON.stringify(campusId ? [campusId] : []))
      .run();
  return id;
}

async function edge(a: string, b: string) {
  const insert =
    "insert into connections (user_id, peer_id, source, created_at) values (?, ?, 'connection', 0)";
  await env.DB.batch([env.DB.prepare(insert).bind(a, b), env.DB.prepare(insert).bind(b, a)]);
}

async function networkExperts(cookie: string) {
  const response = await call("/api/network/experts", { cookie });
  expect(response.status).toBe(200);
  return {
    cache: response.headers.get("x-cache"),
    ...((await response.json()) as { experts: NetworkExpert[] }),
  };
}

describe("connections", () => {
  it("request, accept, decline, withdraw, remove; asking someone who asked you accepts", async () => {
    const [a, b, c] = await Promise.all([signUp(), signUp(), signUp()]);
    const ask = await call("/api/connections/requests", {
      cookie: a.cookie,
      json: { toUserId: b.id, message: "Hi!" },
    });
    expect(ask.status).toBe(201);
    const { id } = (await ask.json()) as { id: string };
    await expectProblem(
      await call("/api/connections/requests", { cookie: a.cookie, json: { toUserId: b.id } }),
      409,
    );
    const incoming = (await (await call("/api/connections/requests", { cookie: b.cookie })).json()) as {
      incoming: { id: string; userId: string; message: string }[];
    };
    expect(incoming.incoming).toEqual([expect.objectContaining({ id, userId: a.id, message: "Hi!" })]);
    // Only the recipient answers; only the sender withdraws.
    await expectProblem(
      await call(`/api/connections/requests/${id}/accept`, { method: "POST", cookie: a.cookie }),
      403,
    );
    expect(
      (await call(`/api/connections/requests/${id}/accept`, { method: "POST", cookie: b.cookie })).status,
    ).toBe(204);
    await expectProblem(
      await call(`/api/connections/requests/${id}/decline`, { method: "POST", cookie: b.cookie }),
      409,
    );
    const mine = (await (await call("/api/connections", { cookie: a.cookie })).json()) as {
      connections: { userId: string }[];
    };
    expect(mine.connections.map((x) => x.userId)).toEqual([b.id]);
    await expectProblem(
      await call("/api/connections/requests", { cookie: a.cookie, json: { toUserId: b.id } }),
      409,
    );

    // C asks A; A asking C back accepts it.
    await call("/api/connections/requests", { cookie: c.cookie, json: { toUserId: a.id } });
    const back = await call("/api/connections/requests", { cookie: a.cookie, json: { toUserId: c.id } });
    expect(((await back.json()) as { status: string }).status).toBe("accepted");
    expect((await call(`/api/connections/${b.id}`, { method: "DELETE", cookie: a.cookie })).status).toBe(204);
    await expectProblem(await call(`/api/connections/${b.id}`, { method: "DELETE", cookie: a.cookie }), 404);
    const after = (await (await call("/api/connections", { cookie: a.cookie })).json()) as {
      connections: { userId: string }[];
    };
    expect(after.connections.map((x) => x.userId)).toEqual([c.id]);
  });

  it("a blocked person cannot ask, and looks absent", async () => {
    const [a, b] = await Promise.all([signUp(), signUp()]);
    expect((await call(`/api/blocks/${b.id}`, { method: "PUT", cookie: a.cookie })).status).toBe(204);
    await expectProblem(
      await call("/api/connections/requests", { cookie: b.cookie, json: { toUserId: a.id } }),
      404,
    );
    await call(`/api/blocks/${b.id}`, { method: "DELETE", cookie: a.cookie });
    expect(
      (await call("/api/connections/requests", { cookie: b.cookie, json: { toUserId: a.id } })).status,
    ).toBe(201);
  });
});

describe("GET /api/network/experts", () => {
  it("a hand-built graph: exact mutuals and via lists; self, direct connections and blocked people excluded; ranked", async () => {
    const me = await signUp({ displayName: "Me" });
    // A proven campus (campus-membership.ts): a typed one earns no campus-tie bonus.
    await env.DB.prepare("update users set campus_id = 'um', campus_verified = 1 where id = ?")
      .bind(me.id)
      .run();
    const [aisyah, weiJie, ravi, blockedFriend] = await Promise.all([
      person("Aisyah", "student"),
      person("Wei Jie", "student"),
      person("Ravi", "student"),
      person("Blocked Friend", "student"),
    ]);
    const [popular, campusTie, plain, direct, blockedExpert, viaBlocked] = await Promise.all([
      person("Popular Expert", "expert"),
      person("UM Expert", "expert", "um"),
      person("Plain Expert", "expert"),
      person("Direct Expert", "expert"),
      person("Blocked Expert", "expert"),
      person("Only Via Blocked", "expert"),
    ]);
    for (const friend of [aisyah, weiJie, ravi, blockedFriend, direct]) await edge(me.id, friend);
    await edge(aisyah, popular);
    await edge(weiJie, popular);
    await edge(ravi, campusTie);
    await edge(weiJie, plain);
    await edge(aisyah, direct); // a direct connection is never a suggestion
    await edge(ravi, blockedExpert);
    await edge(blockedFriend, viaBlocked); // reachable only through someone I blocked
    await env.DB.batch([
      env.DB.prepare("insert into blocks (blocker_id, blocked_id, created_at) values (?, ?, 0)").bind(
        blockedExpert,
        me.id,
      ),
      env.DB.prepare("insert into blocks (blocker_id, blocked_id, created_at) values (?, ?, 0)").bind(
        me.id,
        blockedFriend,
      ),
    ]);

    const { experts, cache } = await networkExperts(me.cookie);
    // Read from D1's candidate set every time: no cache in front of it.
    expect(cache).toBeNull();
    expect(experts.map((e) => e.id)).toEqual([popular, campusTie, plain]);
    expect(experts[0]).toMatchObject({
      mutuals: 2,
      via: [{ displayName: "Aisyah" }, { displayName: "Wei Jie" }],
    });
    // One mutual each; the campus tie ranks UM Expert above Plain Expert.
    expect(experts[1]?.reasons).toContainEqual({ kind: "campus", value: "Universiti Malaya" });
    expect(experts[2]).toMatchObject({ mutuals: 1, via: [{ userId: weiJie, displayName: "Wei Jie" }] });

    await call(`/api/connections/${weiJie}`, { method: "DELETE", cookie: me.cookie });
    const after = await networkExperts(me.cookie);
    // Popular Expert is down to one mutual, so UM Expert's campus tie now ranks it first.
    expect(after.experts.map((e) => e.id)).toEqual([campusTie, popular]);
    expect(after.experts[1]).toMatchObject({ mutuals: 1, via: [{ displayName: "Aisyah" }] });
  });

  it("read-your-writes: a connection, a friend's connection, a block and a role change show in the next read", async () => {
    const me = await signUp({ displayName: "Me" });
    const friend = await signUp({ displayName: "Friend" });
    const [expertA, expertB, rising] = await Promise.all([
      person("Expert A", "expert"),
      person("Expert B", "expert"),
      person("Rising", "student"),
    ]);
    await edge(friend.id, expertA);
    await edge(friend.id, rising);
    expect((await networkExperts(me.cookie)).experts).toEqual([]);
    // I connect to the friend (asked and accepted through the API): their expert is two hops away now.
    const asked = (await (
      await call("/api/connections/requests", { cookie: me.cookie, json: { toUserId: friend.id } })
    ).json()) as { id: string };
    await call(`/api/connections/requests/${asked.id}/accept`, { method: "POST", cookie: friend.cookie });
    expect((await networkExperts(me.cookie)).experts.map((e) => [e.id, e.mutuals])).toEqual([[expertA, 1]]);
    // A change I am no party to (nobody invalidates anything of mine): my friend connects to another expert.
    await edge(friend.id, expertB);
    expect((await networkExperts(me.cookie)).experts.map((e) => e.id).sort()).toEqual(
      [expertA, expertB].sort(),
    );
    // A block through the API: gone at once; unblocked, back at once.
    expect((await call(`/api/blocks/${expertA}`, { method: "PUT", cookie: me.cookie })).status).toBe(204);
    expect((await networkExperts(me.cookie)).experts.map((e) => e.id)).toEqual([expertB]);
    await call(`/api/blocks/${expertA}`, { method: "DELETE", cookie: me.cookie });
    expect((await networkExperts(me.cookie)).experts.map((e) => e.id).sort()).toEqual(
      [expertA, expertB].sort(),
    );
    // A role change (no API sets roles; an operator's SQL does): a student two hops away becomes a vetted expert.
    await env.DB.batch([
      env.DB.prepare("update users set role = 'expert' where id = ?").bind(rising),
      env.DB.prepare(
        "insert into expert_profiles (user_id, headline, industry, topics, campus_ties, updated_at, verification) values (?, 'Engineer', 'Fintech', '[]', '[]', 0, 'verified')",
      ).bind(rising),
    ]);
    const after = (await networkExperts(me.cookie)).experts;
    expect(after.map((e) => e.id)).toContain(rising);
    expect(after.find((e) => e.id === rising)?.via).toEqual([{ userId: friend.id, displayName: "Friend" }]);
    await env.DB.prepare("update users set role = 'student' where id = ?").bind(rising).run();
    expect((await networkExperts(me.cookie)).experts.map((e) => e.id)).not.toContain(rising);
    // Disconnecting through the API empties it again.
    await call(`/api/connections/${friend.id}`, { method: "DELETE", cookie: me.cookie });
    expect((await networkExperts(me.cookie)).experts).toEqual([]);
  });

  it("each reads only their own network; a bad limit is a 400 problem; signed out is a 401", async () => {
    const [me, stranger] = await Promise.all([signUp(), signUp()]);
    const [friend, expert] = await Promise.all([person("F", "student"), person("E", "expert")]);
    await edge(me.id, friend);
    await edge(friend, expert);
    expect((await networkExperts(me.cookie)).experts.map((e) => e.id)).toEqual([expert]);
    // Naming someone else changes nothing: the list is always the signed-in user's.
    for (const query of [`?userId=${me.id}`, `?user_id=${me.id}`, `?limit=5&userId=${me.id}`]) {
      const response = await call(`/api/network/experts${query}`, { cookie: stranger.cookie });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { experts: unknown[] }).experts).toEqual([]);
    }
    for (const limit of ["0", "101", "-1", "abc", "1.5", "1e9"])
      await expectProblem(await call(`/api/network/experts?limit=${limit}`, { cookie: me.cookie }), 400);
    await expectProblem(await call("/api/network/experts"), 401);
  });

  it("a remembered session is confirmed inside the read's own batches (three round trips), and refused once it ended", async () => {
    const me = await signUp();
    const [friend, expert] = await Promise.all([person("F", "student"), person("E", "expert")]);
    await edge(me.id, friend);
    await edge(friend, expert);
    expect((await networkExperts(me.cookie)).experts.map((e) => e.id)).toEqual([expert]);
    const again = await call("/api/network/experts", {
      cookie: me.cookie,
      headers: { "x-atas-measure": "d1" },
    });
    expect(again.status).toBe(200);
    // The counts, the ranking (with the session's check) and the page's mutuals: no session lookup.
    expect(Number(again.headers.get("x-d1-round-trips"))).toBe(3);
    await env.DB.prepare("delete from sessions where user_id = ?").bind(me.id).run();
    await expectProblem(await call("/api/network/experts", { cookie: me.cookie }), 401);
  });

  it("people you may know: two hops, not experts, by mutual connections", async () => {
    const me = await signUp();
    const [f1, f2, twoMutuals, oneMutual, expert] = await Promise.all([
      person("F1", "student"),
      person("F2", "student"),
      person("Two Mutuals", "student"),
      person("One Mutual", "student"),
      person("An Expert", "expert"),
    ]);
    for (const f of [f1, f2]) await edge(me.id, f);
    await edge(f1, twoMutuals);
    await edge(f2, twoMutuals);
    await edge(f1, oneMutual);
    await edge(f1, expert);
    const body = (await (await call("/api/network/people", { cookie: me.cookie })).json()) as {
      people: { id: string; mutuals: number }[];
    };
    expect(body.people.map((p) => [p.id, p.mutuals])).toEqual([
      [twoMutuals, 2],
      [oneMutual, 1],
    ]);
  });

  it("a completed session connects the two sides", async () => {
    const student = await signUp();
    const expert = await person("Session Expert", "expert");
    const invitation = crypto.randomUUID();
    await env.DB.prepare(
      `insert into invitations (id, requester_id, expert_id, created_by, kind, title, agenda, duration_minutes, format,
        audience_size, language, response_deadline, status, version, scheduled_start, sent_at, created_at, updated_at)
       values (?, ?, ?, ?, 'talk', 'T', 'A', 60, 'online', 10, 'en', 0, 'scheduled', 1, ?, 0, 0, 0)`,
    )
      .bind(invitation, student.id, expert, student.id, Date.now() - 3_600_000)
      .run();
    expect(
      (await call(`/api/invitations/${invitation}/complete`, { method: "POST", cookie: student.cookie }))
        .status,
    ).toBe(200);
    const row = await env.DB.prepare("select source from connections where user_id = ? and peer_id = ?")
      .bind(student.id, expert)
      .first<{ source: string }>();
    expect(row?.source).toBe("session");
  });
});

describe("warm introductions", { timeout: 20_000 }, () => {
  it("ask a mutual connection; they endorse; the invitation reaches the expert marked as introduced", async () => {
    const student = await signUp({ displayName: "Student S" });
    const connector = await signUp({ displayName: "Connector C" });
    const stranger = await signUp({ displayName: "Not Mutual" });
    const pro = await makeExpert();
    await edge(student.id, connector.id);
    await edge(connector.id, pro.id);
    await edge(student.id, stranger.id);
    const invitationId = await draftInvitation(student.cookie, pro.id, { title: "Intro me" });

    const ask = (connectorId: string) =>
      call(`/api/invitations/${invitationId}/introductions`, {
        cookie: student.cookie,
        json: { connectorId, message: "Could you vouch for us?" },
      });
    const refused = (await expectProblem(await ask(stranger.id), 400)) as unknown as { code: string };
    expect(refused.code).toBe("not-a-mutual");
    const asked = await ask(connector.id);
    expect(asked.status).toBe(201);
    const { id } = (await asked.json()) as { id: string };
    await expectProblem(await ask(connector.id), 409);
    // Only the connector answers.
    await expectProblem(
      await call(`/api/introductions/${id}/endorse`, { method: "POST", cookie: student.cookie }),
      404,
    );

    const list = (await (await call("/api/introductions", { cookie: connector.cookie })).json()) as {
      toAnswer: { id: string; requesterName: string; expertName: string; message: string }[];
    };
    expect(list.toAnswer).toEqual([
      expect.objectContaining({
        id,
        requesterName: "Student S",
        expertName: "Dr Expert",
        message: "Could you vouch for us?",
      }),
    ]);
    const endorse = await call(`/api/introductions/${id}/endorse`, {
      cookie: connector.cookie,
      json: { note: "S ran our hackathon; worth your time." },
    });
    expect(endorse.status).toBe(200);
    await expectProblem(
      await call(`/api/introductions/${id}/decline`, { method: "POST", cookie: connector.cookie }),
      409,
    );

    expect((await act(student.cookie, invitationId, "send")).status).toBe(200);
    const seen = (await (await call(`/api/invitations/${invitationId}`, { cookie: pro.cookie })).json()) as {
      introducer: { id: string; displayName: string } | null;
      invitation: { introductionNote: string | null };
    };
    expect(seen.introducer).toMatchObject({ id: connector.id, displayName: "Connector C" });
    expect(seen.invitation.introductionNote).toBe("S ran our hackathon; worth your time.");
    const mail = await waitForMail(pro.email, "new invitation");
    expect(mail.text).toContain("Introduced by Connector C");
    const notes = (await (await call("/api/notifications", { cookie: student.cookie })).json()) as {
      notifications: { type: string }[];
    };
    expect(notes.notifications.map((n) => n.type)).toContain("introduction.endorsed");
  });
});
