import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { inboxOf } from "../../worker/src/realtime";
import type { InboxFrame } from "../../worker/src/realtime/inbox";
import { call, ORIGIN, PASSWORD, signUp } from "../support/http";

function nextFrame(socket: WebSocket): Promise<InboxFrame> {
  return new Promise((resolve) =>
    socket.addEventListener("message", (e) => resolve(JSON.parse(String(e.data))), { once: true }),
  );
}

async function connect(cookie: string, origin = ORIGIN) {
  return SELF.fetch(`${ORIGIN}/api/inbox`, { headers: { upgrade: "websocket", cookie, origin } });
}

describe("the inbox Durable Object", () => {
  it("pushes notifications live to every open tab and replays recent ones on join", async () => {
    const user = await signUp();
    const tabs = await Promise.all([connect(user.cookie), connect(user.cookie)]);
    const sockets = tabs.map((r) => {
      expect(r.status).toBe(101);
      const ws = r.webSocket;
      if (!ws) throw new Error("no socket");
      const hello = nextFrame(ws);
      ws.accept();
      return { ws, hello };
    });
    for (const { hello } of sockets) expect(await hello).toMatchObject({ type: "hello" });
    const [a, b] = sockets.map((s) => s.ws) as [WebSocket, WebSocket];
    const frames = Promise.all([nextFrame(a), nextFrame(b)]);
    await inboxOf(env, user.id).notify({ type: "test", text: "hello" });
    for (const frame of await frames) {
      expect(frame).toMatchObject({ type: "notification", notification: { type: "test", text: "hello" } });
    }
    const late = await connect(user.cookie);
    const helloFrame = late.webSocket ? nextFrame(late.webSocket) : null;
    late.webSocket?.accept();
    const hello = await helloFrame;
    expect(hello).toMatchObject({ type: "hello", unread: [{ text: "hello" }] });
    for (const ws of [a, b, late.webSocket]) ws?.close(1000);
  });

  it("a password change is pushed to the user's open tabs", async () => {
    const user = await signUp();
    const tab = await connect(user.cookie);
    const ws = tab.webSocket;
    if (!ws) throw new Error("no socket");
    const hello = nextFrame(ws);
    ws.accept();
    await hello;
    const pushed = nextFrame(ws);
    await call("/api/auth/password/change", {
      cookie: user.cookie,
      json: { currentPassword: PASSWORD, newPassword: "another long passphrase" },
    });
    expect(await pushed).toMatchObject({ notification: { type: "security.password-changed" } });
    ws.close(1000);
  });

  it("reading notifications in one tab sends the new unread count to every tab", async () => {
    const user = await signUp();
    await env.DB.prepare(
      "insert into notifications (id, user_id, type, text, created_at) values (?, ?, 'test', 'x', ?)",
    )
      .bind(crypto.randomUUID(), user.id, Date.now())
      .run();
    const tab = await connect(user.cookie);
    const ws = tab.webSocket;
    if (!ws) throw new Error("no socket");
    const hello = nextFrame(ws);
    ws.accept();
    await hello;
    const pushed = nextFrame(ws);
    expect((await call("/api/notifications/read", { cookie: user.cookie, json: {} })).status).toBe(200);
    expect(await pushed).toEqual({ type: "unread", count: 0 });
    ws.close(1000);
  });

  it("refuses upgrades without a session or from a foreign origin", async () => {
    const user = await signUp();
    expect(
      (await SELF.fetch(`${ORIGIN}/api/inbox`, { headers: { upgrade: "websocket", origin: ORIGIN } })).status,
    ).toBe(401);
    expect((await connect(user.cookie, "https://evil.example")).status).toBe(403);
  });
});
