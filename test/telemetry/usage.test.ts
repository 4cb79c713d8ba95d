import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, draft, expert } from "../pro/fixtures";
import worker from "../support/entry";
import { call, expectProblem, json, PASSWORD, signUp, tokenFrom, waitForMail } from "../support/http";
import { uploadedImage } from "../support/link";
import { messageBatch } from "../support/queue";
import { joinRoom } from "../support/room-client";

interface Line {
  atas?: string;
  kind?: string;
  requestId?: string;
  route?: string;
  status?: number;
  actor?: string | null;
  queueName?: string;
  d1?: { queries: number; rowsRead: number; rowsWritten: number };
  store?: { commands: number };
  queue?: { sends: number };
  durableObject?: { requests: number };
  r2?: { classA: number; classB: number; bytesWritten: number };
}

/**
 * Everything the worker prints, at every level: the worker runs in this isolate, so its console is
 * this test's console. Every request the helpers send (through `SELF`) reaches the worker's `fetch`,
 * which is wrapped to give each request a known id (as Cloudflare's `cf-ray` would) and to note the
 * cookies and client addresses it carries, so the test knows what must never be printed.
 */
function capture() {
  const printed: string[] = [];
  const sent: { id: string; cookie: string | null; ip: string | null }[] = [];
  const render = (value: unknown) =>
    typeof value === "string"
      ? value
      : value instanceof Error
        ? `${value.message}\n${value.stack ?? ""}`
        : JSON.stringify(value);
  for (const level of ["log", "info", "warn", "error", "debug"] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      printed.push(args.map(render).join(" "));
    });
  const fetch = worker.fetch.bind(worker);
  vi.spyOn(worker, "fetch").mockImplementation((request, env, ctx) => {
    const id = `req-${sent.length}-${crypto.randomUUID().slice(0, 8)}`;
    const headers = new Headers(request.headers);
    headers.set("cf-ray", id);
    sent.push({ id, cookie: headers.get("cookie"), ip: headers.get("cf-connecting-ip") });
    return fetch(new Request(request, { headers }) as typeof request, env, ctx);
  });
  const lines = () =>
    printed.flatMap((text) => {
      try {
        const parsed = JSON.parse(text) as Line;
        return typeof parsed === "object" && parsed?.atas ? [parsed] : [];
      } catch {
        return [];
      }
    });
  return { printed, sent, lines };
}

/** Waits until every request sent so far has printed its usage line. */
async function everyRequestLogged(log: ReturnType<typeof capture>) {
  await vi.waitFor(
    () => {
      const logged = new Set(log.lines().map((l) => l.requestId));
      expect(log.sent.map((s) => s.id).filter((id) => !logged.has(id))).toEqual([]);
    },
    { timeout: 15_000, interval: 50 },
  );
}

const HEX16 = /^[0-9a-f]{16}$/;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe("the usage line", () => {
  let log: ReturnType<typeof capture>;
  beforeEach(() => {
    log = capture();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("a whole flow prints one usage line per request, with its route template, and nothing personal", async () => {
    // Register, verify, sign in (the helper reads the real confirmation mail).
    const student = await signUp({ displayName: "Siti Usage" });
    const friend = await signUp({ displayName: "Farid Usage" });
    const pro = await expert();

    // A note with an image and a comment.
    const noteTitle = `Orientation week tips ${crypto.randomUUID()}`;
    const noteBody = `Bring your matric card to the library ${crypto.randomUUID()}`;
    const commentBody = `The library opens at eight ${crypto.randomUUID()}`;
    const imageId = await uploadedImage({ id: student.id, cookie: student.cookie, campusId: null });
    const { note } = await json<{ note: { id: string } }>(
      await call("/api/notes", {
        cookie: student.cookie,
        json: { title: noteTitle, body: noteBody, visibility: "public", imageIds: [imageId] },
      }),
      201,
    );
    await json(
      await call(`/api/notes/${note.id}/comments`, { cookie: friend.cookie, json: { body: commentBody } }),
      201,
    );
    await json(await call(`/api/notes/${note.id}`, { cookie: friend.cookie }));

    // A message request, accepted, then a message in the direct room over its socket.
    const requestText = `Hi Farid, saw your comment ${crypto.randomUUID()}`;
    const { id: requestId } = await json<{ id: string }>(
      await call("/api/message-requests", {
        cookie: student.cookie,
        json: { toUserId: friend.id, text: requestText },
      }),
      201,
    );
    const { roomId } = await json<{ roomId: string }>(
      await call(`/api/message-requests/${requestId}/accept`, { method: "POST", cookie: friend.cookie }),
    );
    const roomMessage = `See you at the library ${crypto.randomUUID()}`;
    const [mine, theirs] = [await joinRoom(student.cookie, roomId), await joinRoom(friend.cookie, roomId)];
    mine.say(roomMessage);
    await theirs.until("message", (m) => m.body === roomMessage);
    mine.close();
    theirs.close();

    // An invitation to an expert, sent.
    const invitation = await draft(student.cookie, pro.id);
    expect((await act(student.cookie, invitation, "send")).status).toBe(200);

    // A password reset through the real mail, and a sign-in with the new password.
    const newPassword = `new passphrase ${crypto.randomUUID()}`;
    expect((await call("/api/auth/password/forgot", { json: { email: friend.email } })).status).toBe(202);
    const resetToken = tokenFrom((await waitForMail(friend.email, /reset/i)).text);
    expect(
      (await call("/api/auth/password/reset", { json: { token: resetToken, password: newPassword } })).status,
    ).toBe(200);
    expect(
      (await call("/api/auth/login", { json: { email: friend.email, password: newPassword } })).status,
    ).toBe(200);
    // Refusals: a note that does not exist, a path no route serves.
    expect((await call(`/api/notes/${crypto.randomUUID()}`, { cookie: student.cookie })).status).toBe(404);
    expect((await call(`/api/no-such-thing/${student.id}`, { cookie: student.cookie })).status).toBe(404);

    // Every request's line is written once its background work is done: wait for all of them.
    const sentIds = log.sent.map((s) => s.id);
    await everyRequestLogged(log);

    const usage = log.lines().filter((l) => l.atas === "usage");
    const requests = usage.filter((l) => l.kind === "request");
    // Exactly one usage line per request, each with a route template and no raw id in it.
    for (const id of sentIds) expect(requests.filter((l) => l.requestId === id)).toHaveLength(1);
    expect(requests).toHaveLength(sentIds.length);
    for (const line of requests) {
      expect(line.route).toMatch(/^\/api\/[a-z0-9/{}_-]*$|^unmatched$/);
      expect(line.route).not.toMatch(UUID);
      expect(line.actor === null || HEX16.test(line.actor ?? "")).toBe(true);
    }
    const byRoute = (method: string, route: string) =>
      requests.filter((l) => l.route === route && (l as { method?: string }).method === method);
    expect(byRoute("GET", "/api/notes/{id}").map((l) => l.status)).toEqual(
      expect.arrayContaining([200, 404]),
    );
    expect(byRoute("POST", "/api/notes/{id}/comments")).toHaveLength(1);
    expect(byRoute("POST", "/api/message-requests/{id}/{answer}")).toHaveLength(1);
    expect(byRoute("GET", "unmatched").map((l) => l.status)).toEqual([404]);

    // The meter counted what each request did.
    const [posted] = byRoute("POST", "/api/notes");
    expect(posted?.d1?.rowsWritten).toBeGreaterThan(0);
    const [uploaded] = byRoute("POST", "/api/note-images");
    expect(uploaded?.r2?.classA).toBeGreaterThanOrEqual(1);
    expect(uploaded?.r2?.bytesWritten).toBeGreaterThan(0);
    const sockets = byRoute("GET", "/api/rooms/{id}/ws");
    expect(sockets.map((l) => l.status)).toEqual([101, 101]);
    for (const socket of sockets) expect(socket.durableObject?.requests).toBeGreaterThanOrEqual(1);
    const registers = byRoute("POST", "/api/auth/register");
    for (const register of registers) expect(register.queue?.sends).toBeGreaterThanOrEqual(1);
    const logins = byRoute("POST", "/api/auth/login");
    for (const login of logins) expect(login.store?.commands).toBeGreaterThanOrEqual(1);
    // Signed-in requests name their actor by a hash that is the same for the same person.
    const studentActors = new Set(
      log.sent
        .filter((s) => s.cookie === student.cookie)
        .map((s) => requests.find((l) => l.requestId === s.id)?.actor),
    );
    expect(studentActors.size).toBe(1);
    expect([...studentActors][0]).toMatch(HEX16);

    // The mail queue's batches have their own lines.
    await vi.waitFor(
      () => expect(usage.concat(log.lines()).some((l) => l.queueName === "atas-email")).toBe(true),
      {
        timeout: 15_000,
        interval: 50,
      },
    );

    // Nothing personal in anything printed, at any level.
    const secrets = [
      student.email,
      friend.email,
      pro.email,
      PASSWORD,
      newPassword,
      noteTitle,
      noteBody,
      commentBody,
      requestText,
      roomMessage,
      resetToken,
      student.id,
      friend.id,
      pro.id,
      ...log.sent.flatMap((s) => [s.cookie, s.cookie?.split("=")[1], s.ip]),
    ].filter((secret): secret is string => Boolean(secret));
    const everything = log.printed.join("\n");
    expect(everything.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(everything, `printed: ${secret}`).not.toContain(secret);
  });
});

describe("GET /api/admin/metrics", () => {
  let log: ReturnType<typeof capture>;
  beforeEach(() => {
    log = capture();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("counts the requests made, their errors and percentiles, and prices the day; admins only", async () => {
    const admin = await signUp({ displayName: "Ops Admin" });
    await env.DB.prepare("update users set role = 'admin' where id = ?").bind(admin.id).run();
    const student = await signUp({ displayName: "Not Ops" });
    // A request's point is written before its line is printed: once every line is in, start clean.
    await everyRequestLogged(log);
    await env.DB.prepare("delete from metric_points").run();

    // Five requests to one route, the last of them failing on our side.
    for (let i = 0; i < 4; i += 1) expect((await call("/api/campuses")).status).toBe(200);
    // A request's queries run in its D1 session (shared/d1-session.ts): D1 fails there.
    const withSession = env.DB.withSession.bind(env.DB);
    vi.spyOn(env.DB, "withSession").mockImplementation((start) => {
      const session = withSession(start);
      const prepare = session.prepare.bind(session);
      session.prepare = (query: string) => {
        if (query.includes('from "campuses"')) throw new Error("D1 is down (a test)");
        return prepare(query);
      };
      return session;
    });
    const failed = await call("/api/campuses");
    expect(failed.status).toBe(500);
    vi.mocked(env.DB.withSession).mockRestore();
    await everyRequestLogged(log);

    const report = await json<{
      source: string;
      requests: number;
      errors: number;
      errorRate: number;
      routes: {
        kind: string;
        name: string;
        method: string;
        count: number;
        errors: number;
        p50Ms: number;
        p95Ms: number;
      }[];
      queues: { queue: string; deadLetters: number }[];
      day: { units: { requests: number; d1RowsRead: number }; listUsd: Record<string, number> };
    }>(await call("/api/admin/metrics?window=15m", { cookie: admin.cookie }));
    expect(report).toMatchObject({ source: "local-twin", requests: 5, errors: 1, errorRate: 0.2 });
    // Requests only: a mail batch of the sign-ups may have landed since.
    const requestRows = report.routes.filter((r) => r.kind === "request");
    const [campuses] = requestRows;
    expect(requestRows).toHaveLength(1);
    expect(campuses).toMatchObject({
      kind: "request",
      name: "/api/campuses",
      method: "GET",
      count: 5,
      errors: 1,
    });
    expect(campuses?.p50Ms).toBeLessThanOrEqual(campuses?.p95Ms ?? 0);
    expect(report.queues.map((q) => q.queue)).toEqual(["atas-email", "atas-ai", "atas-graph", "atas-fanout"]);
    // The day's units also hold any queue batch that ran meanwhile (the sign-ups' mail).
    expect(report.day.units.requests).toBeGreaterThanOrEqual(5);
    expect(report.day.units.d1RowsRead).toBeGreaterThan(0);
    expect(report.day.listUsd.workers).toBeCloseTo((report.day.units.requests / 1_000_000) * 0.3, 12);
    expect(report.day.listUsd.platform).toBeGreaterThan(0);

    // The failure's error line names the request and the route, and comes before its usage line.
    const failedId = log.sent.at(-2)?.id;
    const lines = log.lines().filter((l) => l.requestId === failedId);
    expect(lines.map((l) => l.atas)).toEqual(["error", "usage"]);
    expect(lines[0]).toMatchObject({ route: "/api/campuses", message: "D1 is down (a test)" });
    expect((lines[0] as { stack?: string }).stack).toContain("D1 is down");

    // Admins only; a bad window is a 400.
    await expectProblem(await call("/api/admin/metrics"), 401);
    await expectProblem(await call("/api/admin/metrics", { cookie: student.cookie }), 403);
    await expectProblem(await call("/api/admin/metrics?window=1y", { cookie: admin.cookie }), 400);
  });
});

describe("why the meter does not serve D1's raw() with all()", () => {
  it("all() keys rows by column name, so a join's two same-named columns collapse; raw() keeps both", async () => {
    const statement = env.DB.prepare("select 1 as id, 2 as id");
    expect(await statement.raw()).toEqual([[1, 2]]);
    const all = await statement.all();
    expect(all.results).toEqual([{ id: 2 }]);
    // all() has the meta raw() lacks.
    expect(all.meta.rows_read).toBeTypeOf("number");
  });
});

describe("queue batch and cron lines", () => {
  let log: ReturnType<typeof capture>;
  beforeEach(() => {
    log = capture();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const pointsNamed = async (name: string) =>
    (
      await env.DB.prepare("select status, messages, acked from metric_points where name = ?")
        .bind(name)
        .all<{ status: number; messages: number; acked: number }>()
    ).results;

  it("a batch that fails prints its error line, then its usage line, and its point says 500", async () => {
    const { batch } = messageBatch("atas-nobody", [{ key: "k1" }, { key: "k2" }]);
    await expect(worker.queue(batch, env, createExecutionContext())).rejects.toThrow(/no consumer/);
    // Other tests' mail batches may still be printing: keep this batch's lines.
    const lines = log.lines().filter((l) => l.route === "atas-nobody" || l.queueName === "atas-nobody");
    expect(lines.map((l) => l.atas)).toEqual(["error", "usage"]);
    expect(lines[0]).toMatchObject({ route: "atas-nobody", requestId: lines[1]?.requestId });
    expect(lines[1]).toMatchObject({ kind: "batch", queueName: "atas-nobody", messages: 2 });
    expect(await pointsNamed("atas-nobody")).toEqual([{ status: 500, messages: 2, acked: 0 }]);
  });

  it("a cron run prints its line, and the hourly run keeps two days of local metric points", async () => {
    const old = crypto.randomUUID();
    await env.DB.prepare(
      `insert into metric_points (id, at, kind, name, method, status, duration_ms, messages, acked, retried,
        d1_queries, d1_rows_read, d1_rows_written, store_commands, queue_sends, sends_by_queue, do_requests,
        r2_class_a, r2_class_b, r2_bytes_written, ai_prompt_tokens, ai_completion_tokens)
       values (?, ?, 'request', '/api/old', 'GET', 200, 1, 0, 0, 0, 0, 0, 0, 0, 0, '{}', 0, 0, 0, 0, 0, 0)`,
    )
      .bind(old, Date.now() - 3 * 86_400_000)
      .run();
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ scheduledTime: new Date(), cron: "0 * * * *" }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(await pointsNamed("/api/old")).toEqual([]);
    const cron = log.lines().filter((l) => l.kind === "cron");
    expect(cron).toHaveLength(1);
    expect(cron[0]).toMatchObject({ atas: "usage", cron: "0 * * * *" });
    expect(cron[0]?.d1?.queries).toBeGreaterThan(0);
    expect(await pointsNamed("0 * * * *")).toEqual([expect.objectContaining({ status: 200 })]);
  });
});
