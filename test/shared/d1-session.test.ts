import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/db/client";
import { users } from "../../worker/src/identity/schema";
import { openSession } from "../../worker/src/shared/d1-session";
import { meteredD1, Usage } from "../../worker/src/telemetry/usage";
import { createWorker, type WebHandler } from "../../worker/src/worker";
import { draft, expert } from "../pro/fixtures";
import worker from "../support/entry";
import { freshIp, ORIGIN, signUp } from "../support/http";
import { person, uploadedImage } from "../support/link";

const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const FORGED = `ffffffff-ffffffff-ffffffff-${"f".repeat(32)}`;

/**
 * D1 as the worker sees it, noting where each session starts. Local D1 has one copy, so a read
 * would see a write with or without a bookmark: what the tests check is that each request anchors
 * its session where it must (the primary for a write, the client's bookmark for a read), which is
 * what makes a replica wait for the user's own writes in production.
 */
function recordingDb(refuse?: (constraintOrBookmark: string | undefined) => boolean) {
  const starts: (string | undefined)[] = [];
  const database = new Proxy(env.DB, {
    get(target, property) {
      if (property === "withSession")
        return (constraintOrBookmark?: string) => {
          starts.push(constraintOrBookmark);
          if (refuse?.(constraintOrBookmark)) return refusingSession();
          return target.withSession(constraintOrBookmark);
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { database, starts };
}

/** A session D1 would not open: every statement on it fails, as a bookmark D1 refuses would. */
function refusingSession(): D1DatabaseSession {
  const fail = () => Promise.reject(new Error("D1_SESSION_ERROR: bookmark cannot be satisfied"));
  const statement = { bind: () => statement, all: fail, run: fail, first: fail, raw: fail };
  return {
    prepare: () => statement,
    batch: fail,
    getBookmark: () => null,
  } as unknown as D1DatabaseSession;
}

async function send(
  path: string,
  init: {
    method?: string;
    cookie?: string;
    headers?: Record<string, string>;
    json?: unknown;
    origin?: string;
  },
  database: D1Database,
  handler = worker,
) {
  const origin = init.origin ?? ORIGIN;
  const headers = new Headers({ "cf-connecting-ip": freshIp(), ...init.headers });
  if (init.cookie) headers.set("cookie", init.cookie);
  const method = init.method ?? (init.json === undefined ? "GET" : "POST");
  if (method !== "GET") {
    headers.set("origin", origin);
    headers.set("x-atas-csrf", "1");
  }
  if (init.json !== undefined) headers.set("content-type", "application/json");
  const ctx = createExecutionContext();
  const response = await handler.fetch(
    new Request(`${origin}${path}`, {
      method,
      headers,
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    }) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, DB: database },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

function bookmarkCookie(response: Response): string | undefined {
  return response.headers.getSetCookie().find((line) => /^(__Host-)?atas_d1=/.test(line));
}

async function postNote(author: { cookie: string }, database: D1Database, title: string) {
  return send(
    "/api/notes",
    {
      cookie: author.cookie,
      json: { title, body: "Fresh", visibility: "public", imageIds: [await uploadedImage(author as never)] },
    },
    database,
  );
}

describe("one D1 session per request, carried between requests by its bookmark", () => {
  it("a write starts on the primary and hands back its bookmark; the next read starts from it and sees the write", async () => {
    const author = await person({ campusId: "um" });
    const { database, starts } = recordingDb();
    const posted = await postNote(author, database, "Read your writes");
    expect(posted.status).toBe(201);
    expect(starts).toEqual(["first-primary"]);
    const bookmark = posted.headers.get("x-d1-bookmark") ?? "";
    expect(bookmark).toMatch(SHAPE);
    const cookie = bookmarkCookie(posted) ?? "";
    expect(cookie).toBe(`atas_d1=${bookmark}; Path=/; HttpOnly; SameSite=Lax`);

    const listed = await send(
      `/api/users/${author.id}/notes`,
      { cookie: `${author.cookie}; atas_d1=${bookmark}` },
      database,
    );
    expect(listed.status).toBe(200);
    expect(starts).toEqual(["first-primary", bookmark]);
    const { notes } = (await listed.json()) as { notes: { title: string }[] };
    expect(notes.map((n) => n.title)).toContain("Read your writes");
    // Bookmarks sort by age: the read's is never older than the one it started from.
    const after = listed.headers.get("x-d1-bookmark") ?? "";
    expect(after >= bookmark).toBe(true);
    if (after === bookmark) expect(bookmarkCookie(listed)).toBeUndefined();
    else expect(bookmarkCookie(listed)).toBe(`atas_d1=${after}; Path=/; HttpOnly; SameSite=Lax`);
  });

  it("an invitation just sent is read from the session its bookmark anchors", async () => {
    const host = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, host.id);
    const { database, starts } = recordingDb();
    const sent = await send(
      `/api/invitations/${id}/send`,
      { method: "POST", cookie: student.cookie },
      database,
    );
    expect(sent.status).toBe(200);
    const bookmark = sent.headers.get("x-d1-bookmark") ?? "";
    expect(bookmarkCookie(sent)).toContain(`atas_d1=${bookmark}`);
    const read = await send(
      `/api/invitations/${id}`,
      { cookie: `${student.cookie}; atas_d1=${bookmark}` },
      database,
    );
    expect(starts).toEqual(["first-primary", bookmark]);
    const page = (await read.json()) as { invitation: { status: string } };
    expect(page.invitation.status).toBe("sent");
  });

  it("API clients carry the bookmark in the x-d1-bookmark header; the newer of header and cookie wins", async () => {
    const author = await person();
    const { database, starts } = recordingDb();
    const first = await send(`/api/users/${author.id}/notes`, { cookie: author.cookie }, database);
    const bookmark = first.headers.get("x-d1-bookmark") ?? "";
    expect(bookmark).toMatch(SHAPE);
    // A reader who never wrote gets no cookie: only their own writes need one.
    expect(bookmarkCookie(first)).toBeUndefined();
    expect(starts).toEqual(["first-unconstrained"]);

    await send(`/api/users/${author.id}/notes`, { headers: { "x-d1-bookmark": bookmark } }, database);
    const older = `00000000-00000000-00000000-${"0".repeat(32)}`;
    await send(
      `/api/users/${author.id}/notes`,
      { cookie: `atas_d1=${older}`, headers: { "x-d1-bookmark": bookmark } },
      database,
    );
    expect(starts).toEqual(["first-unconstrained", bookmark, bookmark]);
  });

  it("over https the cookie is __Host- and Secure", async () => {
    const author = await person({ campusId: "um" });
    const { database } = recordingDb();
    const image = await uploadedImage(author);
    const posted = await send(
      "/api/notes",
      {
        origin: "https://atas.test",
        cookie: `__Host-${author.cookie}`,
        json: { title: "Over TLS", body: "x", visibility: "public", imageIds: [image] },
      },
      database,
    );
    expect(posted.status).toBe(201);
    const bookmark = posted.headers.get("x-d1-bookmark");
    expect(bookmarkCookie(posted)).toBe(`__Host-atas_d1=${bookmark}; Path=/; HttpOnly; Secure; SameSite=Lax`);
  });

  it.each([
    ["garbage", "not-a-bookmark"],
    ["an injection", "x; Path=/evil, HttpOnly=<script>"],
    ["uppercase hex", `0000000A-00000002-00000003-${"A".repeat(32)}`],
    ["too long", `00000001-00000002-00000003-${"a".repeat(33)}`],
  ])("a malformed bookmark (%s) is ignored: the read starts unconstrained, never a 500", async (_, value) => {
    const author = await person();
    const { database, starts } = recordingDb();
    const viaHeader = await send(
      `/api/users/${author.id}/notes`,
      { headers: { "x-d1-bookmark": value } },
      database,
    );
    expect(viaHeader.status).toBe(200);
    const viaCookie = await send(
      `/api/users/${author.id}/notes`,
      { cookie: `atas_d1=${encodeURIComponent(value)}` },
      database,
    );
    expect(viaCookie.status).toBe(200);
    expect(starts).toEqual(["first-unconstrained", "first-unconstrained"]);
    expect(viaCookie.headers.get("x-d1-bookmark")).toMatch(SHAPE);
    // The cookie it sent is not one of ours: nothing is echoed, and it is not refreshed.
    expect(bookmarkCookie(viaCookie)).toBeUndefined();
  });

  it("a well-formed bookmark D1 refuses (a forged one) costs a trip to the primary, never a 500", async () => {
    const author = await person();
    const { database, starts } = recordingDb((start) => start === FORGED);
    const response = await send(`/api/users/${author.id}/notes`, { cookie: `atas_d1=${FORGED}` }, database);
    expect(response.status).toBe(200);
    expect(starts).toEqual([FORGED, "first-primary"]);
    expect(response.headers.get("x-d1-bookmark")).toMatch(SHAPE);
    // The refused bookmark is replaced by the primary's, which is older than the forged all-f one.
    const cookie = bookmarkCookie(response) ?? "";
    expect(cookie).toMatch(/^atas_d1=[0-9a-f-]+;/);
    expect(cookie).not.toContain(FORGED);
  });

  it("a page's API calls share the page's session, and the page's response carries the bookmark", async () => {
    const author = await person();
    const { database, starts } = recordingDb();
    const page: WebHandler = async (request, _env, _ctx, api) => {
      const inner = new Headers({ cookie: request.headers.get("cookie") ?? "" });
      const listed = await api(
        new Request(new URL(`/api/users/${author.id}/notes`, request.url), { headers: inner }),
      );
      const me = await api(new Request(new URL("/api/me", request.url), { headers: inner }));
      return new Response(`${listed.status} ${me.status}`, { headers: { "content-type": "text/html" } });
    };
    const web = createWorker(page);
    const bookmark = `00000000-00000000-00000001-${"0".repeat(32)}`;
    const response = await send(
      "/notes-page",
      { cookie: `${author.cookie}; atas_d1=${bookmark}` },
      database,
      web,
    );
    expect(await response.text()).toBe("200 200");
    expect(starts).toEqual([bookmark]);
    const next = response.headers.get("x-d1-bookmark") ?? "";
    expect(next > bookmark).toBe(true);
    expect(bookmarkCookie(response)).toBe(`atas_d1=${next}; Path=/; HttpOnly; SameSite=Lax`);
  });

  it("inside one session a write is read back at once, by statement and by batch, and the meter still counts", async () => {
    const usage = new Usage();
    const session = openSession(env.DB, { from: "first-unconstrained" });
    const db = createDb(meteredD1(session.database, usage));
    const id = crypto.randomUUID();
    await db.insert(users).values({
      id,
      email: `${id}@session.test`,
      passwordHash: "x",
      displayName: "Before",
      role: "student",
    });
    const [, read] = await db.batch([
      db.update(users).set({ displayName: "After" }).where(eq(users.id, id)),
      db.select({ name: users.displayName }).from(users).where(eq(users.id, id)),
    ]);
    expect(read).toEqual([{ name: "After" }]);
    expect(session.bookmark()).toMatch(SHAPE);
    expect(usage.counts.d1.queries).toBe(3);
    expect(usage.counts.d1.rowsWritten).toBeGreaterThanOrEqual(2);
  });

  it("the benchmarks' row headers (x-atas-measure: d1) still report a request's D1 work", async () => {
    const author = await person({ campusId: "um" });
    const { database } = recordingDb();
    const listed = await send(
      `/api/users/${author.id}/notes`,
      { cookie: author.cookie, headers: { "x-atas-measure": "d1" } },
      database,
    );
    expect(listed.status).toBe(200);
    expect(Number(listed.headers.get("x-d1-queries"))).toBeGreaterThan(0);
    expect(Number(listed.headers.get("x-d1-round-trips"))).toBeGreaterThan(0);
  });
});
