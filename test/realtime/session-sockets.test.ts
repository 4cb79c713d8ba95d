import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { inboxOf } from "../../worker/src/realtime";
import { sha256 } from "../../worker/src/shared/crypto";
import { call, ORIGIN, PASSWORD, sessionCookie, signUp, tokenFrom, waitFor } from "../support/http";

const NEW_PASSWORD = "a much longer passphrase 2026";

/** An open socket and the promise of its close event (listened for from the start). */
interface Live {
  ws: WebSocket;
  closed: Promise<CloseEvent>;
}

async function upgrade(path: string, cookie: string): Promise<Live> {
  const response = await SELF.fetch(`${ORIGIN}${path}`, {
    headers: { upgrade: "websocket", cookie, origin: ORIGIN },
  });
  if (response.status !== 101) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  const ws = response.webSocket;
  if (!ws) throw new Error("no socket");
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener("close", resolve, { once: true }));
  const first = new Promise((resolve) => ws.addEventListener("message", resolve, { once: true }));
  ws.accept();
  await first;
  return { ws, closed };
}

/** The inbox and one room, as a signed-in tab holds them. */
async function tab(cookie: string, clubId: string) {
  return [await upgrade("/api/inbox", cookie), await upgrade(`/api/rooms/club:${clubId}/ws`, cookie)];
}

/** Proves a socket is still open: the object's auto-response answers a ping. */
function stillOpen(live: Live): Promise<unknown> {
  const pong = new Promise((resolve) =>
    live.ws.addEventListener("message", (e) => e.data === "pong" && resolve(true)),
  );
  live.ws.send("ping");
  return pong;
}

/** Each socket's close event, or a clear failure if one stays open (instead of the test's timeout). */
async function expectClosed(lives: Live[]) {
  for (const live of lives) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the socket stayed open")), 5000);
    });
    const event = await Promise.race([live.closed, open]).finally(() => clearTimeout(timer));
    expect(event.code).toBe(4401);
  }
}

/** A user with two signed-in sessions (two browsers), and a club room they can open. */
async function twoSessions() {
  const user = await signUp();
  const second = await call("/api/auth/login", {
    ip: user.ip,
    json: { email: user.email, password: PASSWORD },
  });
  const clubId = crypto.randomUUID();
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', 'Chess Club', 'club', 0, 0)",
  )
    .bind(clubId, `club-${clubId}@example.com`)
    .run();
  return { user, first: user.cookie, second: sessionCookie(second), clubId };
}

describe("ending a session closes its sockets at once", () => {
  it("a session that ended gets no socket, even when this isolate remembers it (upgrades never use the cache)", async () => {
    const user = await signUp();
    // A read remembers the session in this isolate.
    expect((await call("/api/me", { cookie: user.cookie })).status).toBe(200);
    await env.DB.prepare("delete from sessions where user_id = ?").bind(user.id).run();
    const response = await SELF.fetch(`${ORIGIN}/api/inbox`, {
      headers: { upgrade: "websocket", cookie: user.cookie, origin: ORIGIN },
    });
    expect(response.status).toBe(401);
    expect(response.webSocket).toBeNull();
  });

  it("sign-out closes that session's inbox and room sockets, and only those", async () => {
    const { first, second, clubId } = await twoSessions();
    const [mine, other] = [await tab(first, clubId), await tab(second, clubId)];
    expect((await call("/api/auth/logout", { method: "POST", cookie: first })).status).toBe(204);
    await expectClosed(mine);
    for (const live of other) await stillOpen(live);
    for (const live of other) live.ws.close(1000);
  });

  it("a password change closes the other sessions' sockets and keeps this one's", async () => {
    const { first, second, clubId } = await twoSessions();
    const [mine, other] = [await tab(first, clubId), await tab(second, clubId)];
    const change = await call("/api/auth/password/change", {
      cookie: first,
      json: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(change.status).toBe(200);
    await expectClosed(other);
    for (const live of mine) await stillOpen(live);
    for (const live of mine) live.ws.close(1000);
  });

  it("a reset closes every session's sockets", async () => {
    const { user, first, second, clubId } = await twoSessions();
    const lives = [...(await tab(first, clubId)), ...(await tab(second, clubId))];
    await call("/api/auth/password/forgot", { json: { email: user.email } });
    const mail = await waitFor(
      "the reset mail",
      async () =>
        await env.DB.prepare('select text from outbox_mails where "to" = ? and subject like ?')
          .bind(user.email, "%Reset%")
          .first<{ text: string }>(),
      (row) => row !== null,
    );
    const reset = await call("/api/auth/password/reset", {
      json: { token: tokenFrom(mail?.text ?? ""), password: NEW_PASSWORD },
    });
    expect(reset.status).toBe(200);
    await expectClosed(lives);
  });

  it("sign-out everywhere closes every session's sockets", async () => {
    const { first, second, clubId } = await twoSessions();
    const lives = [...(await tab(first, clubId)), ...(await tab(second, clubId))];
    const out = await call("/api/auth/logout?everywhere=true", { method: "POST", cookie: first });
    expect(out.status).toBe(204);
    await expectClosed(lives);
  });

  it("a socket opening while its session ends (the session check already passed) is closed too", async () => {
    // The race, made deterministic: the inbox hears that the sessions ended while D1 still has
    // them, as when sign-out lands between an upgrade's session check and its socket opening.
    const { user, first, second, clubId } = await twoSessions();
    const ids = await Promise.all([first, second].map((cookie) => sha256(cookie.split("=")[1] ?? "")));
    await inboxOf(env, user.id).endSessions({ only: [ids[0] ?? ""] });
    for (const live of await tabOrClosed(first, clubId)) await expectClosed([live]);
    for (const live of await tab(second, clubId)) await stillOpen(live);

    await inboxOf(env, user.id).endSessions({ allBut: null, before: Date.now() });
    for (const live of await tabOrClosed(second, clubId)) await expectClosed([live]);
  });
});

/** Like `tab`, but a refused upgrade counts as a socket closed with 4401 (nothing was opened). */
async function tabOrClosed(cookie: string, clubId: string): Promise<Live[]> {
  const lives: Live[] = [];
  for (const path of ["/api/inbox", `/api/rooms/club:${clubId}/ws`]) {
    const response = await SELF.fetch(`${ORIGIN}${path}`, {
      headers: { upgrade: "websocket", cookie, origin: ORIGIN },
    });
    const ws = response.webSocket;
    if (response.status !== 101 || !ws) {
      expect(response.status).toBe(401);
      lives.push({ ws: null as unknown as WebSocket, closed: Promise.resolve({ code: 4401 } as CloseEvent) });
      continue;
    }
    const closed = new Promise<CloseEvent>((resolve) =>
      ws.addEventListener("close", resolve, { once: true }),
    );
    ws.accept();
    lives.push({ ws, closed });
  }
  return lives;
}
