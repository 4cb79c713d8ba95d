import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/db/client";
import { createSession } from "../../worker/src/identity/services/sessions";
import { type Room, roomOf } from "../../worker/src/realtime/room";
import { ADAPTIVE, type BroadcastPolicy } from "../../worker/src/realtime/room/broadcast";
import {
  type ClientFrame,
  directRoomId,
  MAX_MESSAGE_CHARS,
  RATE_LIMIT,
  SOCKETS_PER_PERSON,
} from "../../worker/src/realtime/room-protocol";
import { act, draft, expert as makeExpert } from "../pro/fixtures";
import { call, expectProblem, ORIGIN, signUp, uniqueEmail } from "../support/http";
import { RoomClient } from "../support/room-client";

type Person = { id: string; cookie: string };

function open(cookie: string | null, roomId: string, options: { after?: number; origin?: string } = {}) {
  const query = options.after === undefined ? "" : `?after=${options.after}`;
  const headers: Record<string, string> = { upgrade: "websocket", origin: options.origin ?? ORIGIN };
  if (cookie) headers.cookie = cookie;
  return SELF.fetch(`${ORIGIN}/api/rooms/${roomId}/ws${query}`, { headers });
}

async function join(person: Person, roomId: string, after?: number): Promise<RoomClient> {
  const response = await open(person.cookie, roomId, after === undefined ? {} : { after });
  if (response.status !== 101) throw new Error(`join ${roomId}: ${response.status} ${await response.text()}`);
  const ws = response.webSocket;
  if (!ws) throw new Error("no socket");
  const client = new RoomClient(ws, person);
  ws.accept();
  await client.until("welcome");
  return client;
}

/** A signed-in person without the mail round trip: for tests that need many of them. */
async function quickPerson(name: string, role: "student" | "expert" | "admin" = "student"): Promise<Person> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', ?, ?, 0, 0)",
  )
    .bind(id, uniqueEmail("room"), name, role)
    .run();
  const { token } = await createSession(createDb(env.DB), id, "test");
  return { id, cookie: `atas_session=${token}` };
}

/** A club account and the room that goes with it: a fresh room per test. */
async function clubRoom() {
  const club = await quickPerson("Chess Club");
  await env.DB.prepare("update users set role = 'club' where id = ?").bind(club.id).run();
  return { club, roomId: `club:${club.id}` };
}

async function connected(a: string, b: string) {
  const insert =
    "insert into connections (user_id, peer_id, source, created_at) values (?, ?, 'connection', 0)";
  await env.DB.batch([env.DB.prepare(insert).bind(a, b), env.DB.prepare(insert).bind(b, a)]);
}

function roomStub(roomId: string): DurableObjectStub<Room> {
  return roomOf(env, roomId);
}

/** The room's parts a test reaches into, to play a busy room or a window's end without waiting. */
interface RoomInside {
  clock: { now: () => number; after: (ms: number, run: () => void) => unknown; cancel: (t: unknown) => void };
  broadcast: {
    policy: BroadcastPolicy;
    broadcastAt: number;
    unsent: unknown[];
    counts: { frames: number; messages: number };
    pending(): number | null;
    flush(): void;
  };
}
const inside = (instance: Room) => instance as unknown as RoomInside;

/** Keeps the room's broadcast window open for a minute: new messages wait, as in a busy room. */
async function holdBroadcasts(roomId: string) {
  await runInDurableObject(roomStub(roomId), (instance: Room) => {
    inside(instance).broadcast.broadcastAt = Date.now() + 60_000;
  });
}

/**
 * Plays a big busy room with a few sockets: the room's fan-out budget is `sendsPerSecond` (by default
 * a room of two is over it from its first message, with a window of a minute), and a window ends only
 * when the test ends it (`endWindow`), as its timer would: nothing here waits for time.
 */
async function busyRoom(roomId: string, sendsPerSecond = 0.01, options: { freezeClock?: boolean } = {}) {
  await runInDurableObject(roomStub(roomId), (instance: Room) => {
    const room = inside(instance);
    room.broadcast.policy = { kind: "adaptive", sendsPerSecond, maxMs: 60_000 };
    room.clock.after = () => 0;
    room.clock.cancel = () => {};
    if (options.freezeClock) {
      const frozen = room.clock.now();
      room.clock.now = () => frozen;
    }
  });
}

/** The room back to its own policy: a small room again. */
async function quietRoom(roomId: string) {
  await runInDurableObject(roomStub(roomId), (instance: Room) => {
    inside(instance).broadcast.policy = ADAPTIVE;
  });
}

/** Ends the pending broadcast window, as its timer does; says whether one was pending. */
async function endWindow(roomId: string): Promise<boolean> {
  return runInDurableObject(roomStub(roomId), (instance: Room) => {
    const { broadcast } = inside(instance);
    const pending = broadcast.pending() !== null;
    broadcast.flush();
    return pending;
  });
}

/** Moves the room's clock `ms` on, so a test of its time rules waits for no time. */
async function moveClock(roomId: string, ms: number) {
  await runInDurableObject(roomStub(roomId), (instance: Room) => {
    const clock = (instance as unknown as { clock: { now: () => number } }).clock;
    const now = clock.now;
    clock.now = () => now() + ms;
  });
}

/** The frames that carried messages to `client`, as sent (a `messages` frame counts once). */
function messageFrames(client: RoomClient) {
  return client.received.filter((f) => f.type === "message" || f.type === "messages");
}

describe("live rooms", () => {
  it("every client sees the same messages in the same seq order", async () => {
    const { club, roomId } = await clubRoom();
    const [a, b] = await Promise.all([quickPerson("Ana"), quickPerson("Ben")]);
    const clients = await Promise.all([join(club, roomId), join(a, roomId), join(b, roomId)]);
    const sent = new Map<string, string>();
    for (let round = 0; round < 4; round++)
      for (const [i, client] of clients.entries()) {
        const body = `round ${round} from ${i}`;
        sent.set(client.say(body), body);
      }
    const orders = await Promise.all(
      clients.map(async (client) => (await client.count("message", sent.size)).map((m) => m.body)),
    );
    for (const order of orders) expect(order).toEqual(orders[0]);
    expect([...(orders[0] ?? [])].sort()).toEqual([...sent.values()].sort());
    const seqs = clients[0]?.seqs() ?? [];
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(sent.size);
    // Each sender got an ack for each of its messages, with the seq everyone saw it under, by its author.
    for (const client of clients) {
      const acks = await client.count("ack", 4);
      for (const ack of acks)
        for (const watcher of clients) {
          const seen = watcher.of("message").find((m) => m.seq === ack.seq);
          expect(seen?.body).toBe(sent.get(ack.id));
          expect(seen && watcher.author(seen).userId).toBe(client.person?.id);
        }
    }
    // The client's id for a message goes back to its sender only, in the ack.
    expect(clients[0]?.of("message").some((m) => "id" in m)).toBe(false);
    for (const client of clients) client.close();
  });

  it("a big busy room gathers a window's messages into one frame: in order, once each", async () => {
    const { club, roomId } = await clubRoom();
    const ana = await quickPerson("Ana");
    const [sender, watcher] = await Promise.all([join(club, roomId), join(ana, roomId)]);
    // Over its fan-out budget from the first message: that one goes at once (the room's last
    // broadcast is old), the rest of the burst waits for the window, whose end the test plays.
    await busyRoom(roomId);
    const bodies = Array.from({ length: RATE_LIMIT.burst }, (_, i) => `burst ${i}`);
    const ids = bodies.map((body) => sender.say(body));
    // Every message is acked, without waiting for its broadcast.
    const acks = await Promise.all(ids.map((id) => sender.ack(id)));
    await watcher.count("message", 1);
    expect(await endWindow(roomId)).toBe(true);
    await watcher.count("message", bodies.length);
    expect(watcher.bodies()).toEqual(bodies);
    expect(watcher.seqs()).toEqual(acks.map((a) => a.seq));
    expect(new Set(watcher.seqs()).size).toBe(bodies.length);
    const frames = messageFrames(watcher);
    expect(frames.map((f) => f.type)).toEqual(["message", "messages"]);
    // Seqs increase within and across frames; the author is named once, with their first item.
    const items = frames.flatMap((f) => (f.type === "messages" ? f.items : f.type === "message" ? [f] : []));
    expect(items.map((m) => m.seq)).toEqual([...watcher.seqs()].sort((x, y) => x - y));
    expect(items.filter((m) => m.who).length).toBe(1);
    expect(watcher.author(items[items.length - 1] ?? { by: -1 })).toEqual({
      userId: club.id,
      displayName: "Chess Club",
    });
    for (const client of [sender, watcher]) client.close();
  });

  it("a small room sends every message at once, a burst too: one frame each, no window", async () => {
    const { club, roomId } = await clubRoom();
    const [ana, ben] = await Promise.all([quickPerson("Ana"), quickPerson("Ben")]);
    const clients = await Promise.all([join(club, roomId), join(ana, roomId), join(ben, roomId)]);
    const [sender, watcher] = clients;
    if (!sender || !watcher) throw new Error("no clients");
    // The room's own policy, but no window ever ends here: a message that waited for one would
    // never arrive, and the test would fail on it.
    await busyRoom(roomId);
    await quietRoom(roomId);
    const bodies = Array.from({ length: RATE_LIMIT.burst }, (_, i) => `quick ${i}`);
    const ids = bodies.map((body) => sender.say(body));
    const acks = await Promise.all(ids.map((id) => sender.ack(id)));
    for (const client of clients) {
      await client.count("message", bodies.length);
      expect(client.bodies()).toEqual(bodies);
      expect(client.seqs()).toEqual(acks.map((a) => a.seq));
      expect(messageFrames(client).map((f) => f.type)).toEqual(bodies.map(() => "message"));
    }
    // Each broadcast before its ack on the sender's socket: none waited.
    for (const ack of acks) {
      const heardAt = sender.received.findIndex((f) => f.type === "message" && f.seq === ack.seq);
      expect(heardAt).toBeLessThan(sender.received.indexOf(ack));
    }
    const counts = await runInDurableObject(roomStub(roomId), (instance: Room) => ({
      ...inside(instance).broadcast.counts,
      pending: inside(instance).broadcast.pending(),
    }));
    expect(counts).toEqual({ frames: bodies.length, messages: bodies.length, pending: null });
    for (const client of clients) client.close();
  });

  it("a burst crossing the room's threshold goes out at once until then, the rest in one frame", async () => {
    const { club, roomId } = await clubRoom();
    const ana = await quickPerson("Ana");
    const [sender, watcher] = await Promise.all([join(club, roomId), join(ana, roomId)]);
    // Two sockets and a budget of 10 sends a second: with time standing still, the k-th message of
    // a burst reads a rate of k a second, so the room turns busy at the 6th (2 x 6 > 10).
    await busyRoom(roomId, 10, { freezeClock: true });
    const bodies = Array.from({ length: RATE_LIMIT.burst }, (_, i) => `crossing ${i}`);
    const ids = bodies.map((body) => sender.say(body));
    const acks = await Promise.all(ids.map((id) => sender.ack(id)));
    await watcher.count("message", 5);
    expect(await endWindow(roomId)).toBe(true);
    await watcher.count("message", bodies.length);
    const frames = messageFrames(watcher);
    expect(frames.map((f) => f.type)).toEqual([
      "message",
      "message",
      "message",
      "message",
      "message",
      "messages",
    ]);
    expect(frames.at(-1)?.type === "messages" && frames.at(-1)).toMatchObject({ items: { length: 5 } });
    expect(watcher.bodies()).toEqual(bodies);
    expect(watcher.seqs()).toEqual(acks.map((a) => a.seq));
    for (const client of [sender, watcher]) client.close();
  });

  it("order holds across window switches: a room turning quiet sends what waits with the new message", async () => {
    const { club, roomId } = await clubRoom();
    const ana = await quickPerson("Ana");
    const [host, guest] = await Promise.all([join(club, roomId), join(ana, roomId)]);
    const sent: string[] = [];
    const say = async (client: RoomClient, body: string) => {
      sent.push(body);
      return client.ack(client.say(body));
    };
    await busyRoom(roomId);
    await say(host, "busy 1, at once");
    await say(guest, "busy 2, waits");
    await say(host, "busy 3, waits");
    // The room turns quiet with a window still open: the next message goes at once, behind the two
    // that waited, in one frame, without the window's end.
    await quietRoom(roomId);
    const quiet = await say(guest, "quiet 4, at once with 2 and 3");
    await host.heard(quiet.seq);
    // Busy again: a window opens behind that broadcast; ending it sends the rest.
    await busyRoom(roomId);
    await say(host, "busy 5, waits");
    await say(guest, "busy 6, waits");
    expect(await endWindow(roomId)).toBe(true);
    await moveClock(roomId, 120_000);
    const last = await say(host, "busy 7, at once: the last broadcast is a window old");
    for (const client of [host, guest]) {
      await client.heard(last.seq);
      expect(client.bodies()).toEqual(sent);
      expect(client.seqs()).toEqual([...client.seqs()].sort((x, y) => x - y));
      expect(messageFrames(client).map((f) => (f.type === "messages" ? f.items.length : 1))).toEqual([
        1, 3, 2, 1,
      ]);
    }
    for (const client of [host, guest]) client.close();
  });

  it("an instance lost mid-window: the alarm standing by sends what waited, with no frame to wake it", async () => {
    const { club, roomId } = await clubRoom();
    const ana = await quickPerson("Ana");
    const [sender, watcher] = await Promise.all([join(club, roomId), join(ana, roomId)]);
    await busyRoom(roomId);
    const first = await sender.ack(sender.say("first, at once"));
    await watcher.heard(first.seq);
    const waiting = [await sender.ack(sender.say("second")), await sender.ack(sender.say("third"))];
    const stub = roomStub(roomId);
    // A window is open, and an alarm stands by for it.
    await expect
      .poll(() =>
        runInDurableObject(stub, async (instance: Room, ctx) => ({
          pending: inside(instance).broadcast.pending() !== null,
          alarm: (await ctx.storage.getAlarm()) !== null,
        })),
      )
      .toEqual({ pending: true, alarm: true });
    // The instance dies before its window ends: what waited in memory is gone, the sockets stay.
    await runInDurableObject(stub, (instance: Room) => {
      inside(instance).broadcast.unsent.length = 0;
    });
    await evictDurableObject(stub);
    expect(watcher.bodies()).toEqual(["first, at once"]);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    for (const ack of waiting) await watcher.heard(ack.seq);
    expect(watcher.bodies()).toEqual(["first, at once", "second", "third"]);
    expect(sender.bodies()).toEqual(["first, at once", "second", "third"]);
    for (const client of [sender, watcher]) client.close();
  });

  it("a message into a quiet room goes out at once, as a plain `message`", async () => {
    const { club, roomId } = await clubRoom();
    const ana = await quickPerson("Ana");
    const [sender, watcher] = await Promise.all([join(club, roomId), join(ana, roomId)]);
    const ack = await sender.ack(sender.say("hello, quiet room"));
    await watcher.heard(ack.seq);
    expect(messageFrames(watcher).map((f) => f.type)).toEqual(["message"]);
    // Broadcast before the ack on the sender's own socket: it did not wait for a window to end.
    const mine = sender.received.filter((f) => f.type !== "presence");
    const heardAt = mine.findIndex((f) => f.type === "message" && f.seq === ack.seq);
    expect(heardAt).toBeGreaterThan(-1);
    expect(heardAt).toBeLessThan(mine.indexOf(ack));
    for (const client of [sender, watcher]) client.close();
  });

  it("a socket joining while messages wait for their broadcast gets each once; so do the others", async () => {
    const { club, roomId } = await clubRoom();
    const [ana, ben] = await Promise.all([quickPerson("Ana"), quickPerson("Ben")]);
    const [sender, watcher] = await Promise.all([join(club, roomId), join(ana, roomId)]);
    await holdBroadcasts(roomId);
    const waiting = await sender.ack(sender.say("waiting"));
    const newcomer = await join(ben, roomId);
    const history = await newcomer.until("history");
    await watcher.heard(waiting.seq);
    const next = await sender.ack(sender.say("next"));
    await newcomer.heard(next.seq);
    await watcher.heard(next.seq);
    expect([...history.messages, ...newcomer.of("message")].map((m) => m.body)).toEqual(["waiting", "next"]);
    expect(watcher.bodies()).toEqual(["waiting", "next"]);
    for (const client of [sender, watcher, newcomer]) client.close();
  });

  it("messages still waiting when an instance is lost reach the sockets from the next instance", async () => {
    const { club, roomId } = await clubRoom();
    const ana = await quickPerson("Ana");
    const [sender, watcher] = await Promise.all([join(club, roomId), join(ana, roomId)]);
    await busyRoom(roomId);
    await holdBroadcasts(roomId);
    const waiting = [await sender.ack(sender.say("one")), await sender.ack(sender.say("two"))];
    // An instance that dies before its window ends (a graceful eviction would wait for the timer):
    // its waiting messages are gone from memory, the sockets stay.
    const stub = roomStub(roomId);
    await runInDurableObject(stub, (instance: Room) => {
      inside(instance).broadcast.unsent.length = 0;
    });
    await evictDurableObject(stub);
    expect(watcher.bodies()).toEqual([]);
    // Any frame wakes the object; `read` sends nothing back in a group room.
    watcher.send({ type: "read", upTo: 0 });
    for (const ack of waiting) await watcher.heard(ack.seq);
    const three = await sender.ack(sender.say("three"));
    await watcher.heard(three.seq);
    await sender.heard(three.seq);
    expect(watcher.bodies()).toEqual(["one", "two", "three"]);
    expect(sender.bodies()).toEqual(["one", "two", "three"]);
    expect(watcher.author(watcher.of("message")[0] ?? { by: -1 }).userId).toBe(club.id);
    for (const client of [sender, watcher]) client.close();
  });

  it("messages name their author by number; the name comes along only where a socket may not know it", async () => {
    const { club, roomId } = await clubRoom();
    const ana = await quickPerson("Ana");
    const [host, guest] = await Promise.all([join(club, roomId), join(ana, roomId)]);
    const first = await guest.ack(guest.say("hello"));
    const introduced = await host.heard(first.seq);
    expect(introduced.who).toEqual({ userId: ana.id, displayName: "Ana" });
    // Nobody joined since: the next one carries the number alone.
    const second = await guest.ack(guest.say("again"));
    const plain = await host.heard(second.seq);
    expect(plain).toEqual({
      type: "message",
      seq: second.seq,
      by: introduced.by,
      at: plain.at,
      body: "again",
    });
    // A socket that resumes at the cursor gets no history page to learn names from: the next
    // message names its author again.
    const late = await join(club, roomId, second.seq);
    await late.until("caught-up");
    const third = await guest.ack(guest.say("hi, late one"));
    expect(late.author(await late.heard(third.seq))).toEqual({ userId: ana.id, displayName: "Ana" });
    for (const client of [host, guest, late]) client.close();
  });

  it("a reconnecting client gets exactly what it missed: no gap, no duplicate", async () => {
    const { club, roomId } = await clubRoom();
    const reader = await quickPerson("Reader");
    const writer = await join(club, roomId);
    let away = await join(reader, roomId);
    writer.say("one");
    writer.say("two");
    writer.say("three");
    await away.count("message", 3);
    const cursor = Math.max(...away.seqs());
    away.close();
    const missed = [writer.say("four"), writer.say("five"), writer.say("six")];
    await Promise.all(missed.map((id) => writer.ack(id)));

    away = await join(reader, roomId, cursor);
    const caughtUp = await away.until("caught-up");
    expect(away.of("history")).toEqual([]);
    expect(away.bodies()).toEqual(["four", "five", "six"]);
    expect(away.author(away.of("message")[0] ?? { by: -1 })).toEqual({
      userId: club.id,
      displayName: "Chess Club",
    });
    expect(caughtUp.last).toBe(Math.max(...writer.seqs()));
    // Live again: the next message arrives once.
    const seven = await writer.ack(writer.say("seven"));
    await away.heard(seven.seq);
    expect(away.bodies()).toEqual(["four", "five", "six", "seven"]);

    for (const client of [writer, away]) client.close();
  });

  it("a client that reconnects without a cursor, then sends `resume`, gets each message once", async () => {
    const { club, roomId } = await clubRoom();
    const stub = roomStub(roomId);
    const posted = [];
    for (let i = 1; i <= 60; i++)
      posted.push(
        await stub.post({
          id: crypto.randomUUID(),
          userId: club.id,
          displayName: "Chess Club",
          body: `m${i}`,
        }),
      );
    // It had m1..m5; the join replays the last 50 (m11..m60); `resume` fills in m6..m10.
    const client = await join(club, roomId);
    const history = await client.until("history");
    client.send({ type: "resume", after: posted[4]?.seq ?? 0 });
    const caughtUp = await client.until("caught-up");
    expect(caughtUp.last).toBe(posted[59]?.seq);
    await client.heard((await client.ack(client.say("m61"))).seq);
    const bodies = [...history.messages, ...client.of("message")].map((m) => m.body);
    expect(bodies.sort()).toEqual(Array.from({ length: 56 }, (_, i) => `m${i + 6}`).sort());
    expect(client.of("message").map((m) => m.body)).toEqual(["m6", "m7", "m8", "m9", "m10", "m61"]);
    client.close();
  });

  it("a resent message id is stored once and acked again", async () => {
    const { club, roomId } = await clubRoom();
    const other = await quickPerson("Other");
    const [sender, watcher] = await Promise.all([join(club, roomId), join(other, roomId)]);
    // Time stands still for the room: the sender's bucket does not refill during the test.
    await runInDurableObject(roomStub(roomId), (instance: Room) => {
      const { clock } = inside(instance);
      const frozen = clock.now();
      clock.now = () => frozen;
    });
    const id = crypto.randomUUID();
    sender.say("hello once", id);
    const first = await sender.ack(id);
    sender.say("hello once", id);
    const after = await sender.ack(sender.say("next"));
    await watcher.heard(after.seq);
    expect(sender.of("ack").filter((a) => a.id === id)).toEqual([first, first]);
    expect(watcher.bodies().filter((body) => body === "hello once")).toHaveLength(1);
    const fresh = await join(other, roomId);
    const history = await fresh.until("history");
    expect(history.messages.filter((m) => m.body === "hello once")).toHaveLength(1);
    // A resend costs no token, and is acked even when the sender may not post now: its bucket spent.
    const burst = Array.from({ length: RATE_LIMIT.burst }, (_, i) => sender.say(`filler ${i}`));
    await sender.until("error", (e) => e.code === "rate-limited");
    sender.say("hello once", id);
    await expect.poll(() => sender.of("ack").filter((a) => a.id === id).length).toBe(3);
    expect(sender.of("ack").filter((a) => a.id === id)).toEqual([first, first, first]);
    // The resends spent no token: of a full bucket, "hello once" and "next" took one each.
    expect(sender.of("ack").filter((a) => burst.includes(a.id))).toHaveLength(RATE_LIMIT.burst - 2);
    for (const client of [sender, watcher, fresh]) client.close();
  });

  it("refuses upgrades without a session, from a foreign origin, or into someone else's direct room", async () => {
    const [a, b, stranger] = await Promise.all([signUp(), signUp(), signUp()]);
    await connected(a.id, b.id);
    const made = await call("/api/rooms/dm", { cookie: a.cookie, json: { userId: b.id } });
    expect(made.status).toBe(200);
    const { id: dm } = (await made.json()) as { id: string };
    expect(dm).toBe(directRoomId(a.id, b.id));

    expect((await open(null, "topic:careers")).status).toBe(401);
    await expectProblem(await open(a.cookie, "topic:careers", { origin: "https://evil.example" }), 403);
    await expectProblem(await open(stranger.cookie, dm), 404);
    await expectProblem(await open(a.cookie, "topic:no-such-topic"), 404);
    await expectProblem(await open(a.cookie, "campus:um"), 404); // not a UM student
    await expectProblem(await open(a.cookie, "nonsense"), 400);
    await expectProblem(
      await call("/api/rooms/topic:careers/ws", { cookie: a.cookie, headers: { origin: ORIGIN } }),
      426,
    );
    // The two of them get in; an identity header sent by the client is ignored.
    const forged = await SELF.fetch(`${ORIGIN}/api/rooms/${dm}/ws`, {
      headers: {
        upgrade: "websocket",
        origin: ORIGIN,
        cookie: b.cookie,
        "x-atas-room-identity": encodeURIComponent(
          JSON.stringify({ roomId: dm, userId: a.id, displayName: "A", role: "admin", moderator: true }),
        ),
      },
    });
    expect(forged.status).toBe(101);
    const ws = forged.webSocket;
    if (!ws) throw new Error("no socket");
    const client = new RoomClient(ws, b);
    ws.accept();
    const welcome = await client.until("welcome");
    expect(welcome.you).toMatchObject({ userId: b.id, moderator: false, role: "student" });
    client.close();
  });

  it("direct rooms: students need a connection or an accepted request; an expert needs an invitation", async () => {
    const [a, b] = await Promise.all([signUp(), signUp()]);
    const refused = await expectProblem(
      await call("/api/rooms/dm", { cookie: a.cookie, json: { userId: b.id } }),
      403,
    );
    expect(refused).toMatchObject({ code: "needs-request" });

    const ask = await call("/api/message-requests", {
      cookie: a.cookie,
      json: { toUserId: b.id, text: "Hi! Saw your talk notes." },
    });
    expect(ask.status).toBe(201);
    const { id } = (await ask.json()) as { id: string };
    const listed = (await (await call("/api/message-requests", { cookie: b.cookie })).json()) as {
      incoming: { id: string; userId: string; text: string }[];
    };
    expect(listed.incoming).toEqual([expect.objectContaining({ id, userId: a.id })]);
    await expectProblem(
      await call(`/api/message-requests/${id}/accept`, { method: "POST", cookie: a.cookie }),
      403,
    );
    const accepted = await call(`/api/message-requests/${id}/accept`, { method: "POST", cookie: b.cookie });
    expect(accepted.status).toBe(200);
    const { roomId } = (await accepted.json()) as { roomId: string };
    expect(roomId).toBe(directRoomId(a.id, b.id));
    const reopened = await call("/api/rooms/dm", { cookie: b.cookie, json: { userId: a.id } });
    expect(await reopened.json()).toEqual({ id: roomId });
    // The request's text opens the conversation.
    const inside = await join(b, roomId);
    const opening = await inside.until("history");
    expect(opening.messages).toEqual([expect.objectContaining({ body: "Hi! Saw your talk notes." })]);
    expect(inside.author(opening.messages[0] ?? { by: -1 }).userId).toBe(a.id);
    inside.close();

    const expert = await makeExpert();
    const noInvitation = await expectProblem(
      await call("/api/rooms/dm", { cookie: a.cookie, json: { userId: expert.id } }),
      403,
    );
    expect(noInvitation).toMatchObject({ code: "needs-invitation" });
    expect(
      await expectProblem(
        await call("/api/message-requests", { cookie: a.cookie, json: { toUserId: expert.id, text: "hi" } }),
        403,
      ),
    ).toMatchObject({ code: "needs-invitation" });
    await expectProblem(await open(a.cookie, directRoomId(a.id, expert.id)), 404);

    const invitation = await draft(a.cookie, expert.id);
    expect((await act(a.cookie, invitation, "send")).status).toBe(200);
    // Sent is not enough; accepted is.
    await expectProblem(await call("/api/rooms/dm", { cookie: expert.cookie, json: { userId: a.id } }), 403);
    await env.DB.prepare("update invitations set status = 'accepted' where id = ?").bind(invitation).run();
    const opened = await call("/api/rooms/dm", { cookie: expert.cookie, json: { userId: a.id } });
    expect(opened.status).toBe(200);
    const withExpert = await join(a, ((await opened.json()) as { id: string }).id);
    withExpert.close();
  });

  it("refuses messages that are too long, and a connection sending too fast", async () => {
    const { club, roomId } = await clubRoom();
    const client = await join(club, roomId);
    client.say("x".repeat(MAX_MESSAGE_CHARS + 1));
    expect(await client.until("error")).toMatchObject({ code: "too-long" });
    client.say("   ");
    await client.until("error", (e) => e.code === "empty");
    client.send({ type: "message", id: "not-a-uuid", body: "hi" } as ClientFrame);
    await client.until("error", (e) => e.code === "bad-frame");
    // 2,000 characters is fine (code points: an emoji counts once).
    const long = client.say("😀".repeat(MAX_MESSAGE_CHARS));
    await client.ack(long);
    // Twice the bucket at once: about a bucket's worth goes through (plus what refills meanwhile).
    const burst = 2 * RATE_LIMIT.burst;
    for (let i = 0; i < burst; i++) client.say(`burst ${i}`);
    const limited = await client.until("error", (e) => e.code === "rate-limited");
    expect(limited.retryAfter).toBeGreaterThanOrEqual(1);
    const refused = () => client.of("error").filter((e) => e.code === "rate-limited").length;
    const accepted = () => client.of("ack").length - 1;
    await expect.poll(() => accepted() + refused()).toBe(burst);
    expect(accepted()).toBeGreaterThanOrEqual(RATE_LIMIT.burst - 1);
    expect(refused()).toBeGreaterThan(0);
    // It refills at RATE_LIMIT.perSecond: a second later, that many in a row are all accepted.
    await moveClock(roomId, 1200);
    const steady = Array.from({ length: RATE_LIMIT.perSecond }, (_, i) => client.say(`steady ${i}`));
    await Promise.all(steady.map((id) => client.ack(id)));
    client.close();
  });

  it("a moderator mutes a member: their messages are refused until the mute is lifted", async () => {
    const { club, roomId } = await clubRoom();
    const [member, bystander, outsider] = await Promise.all([
      quickPerson("Member"),
      quickPerson("Bystander"),
      quickPerson("Outsider"),
    ]);
    const [moderator, muted, other] = await Promise.all([
      join(club, roomId),
      join(member, roomId),
      join(bystander, roomId),
    ]);
    expect((await moderator.until("welcome")).you.moderator).toBe(true);
    await expectProblem(
      await call(`/api/rooms/${roomId}/mute`, {
        cookie: bystander.cookie,
        json: { userId: member.id, minutes: 5 },
      }),
      403,
    );
    await expectProblem(
      await call(`/api/rooms/${roomId}/mute`, {
        cookie: club.cookie,
        json: { userId: outsider.id, minutes: 5 },
      }),
      404,
    );
    const mute = await call(`/api/rooms/${roomId}/mute`, {
      cookie: club.cookie,
      json: { userId: member.id, minutes: 10 },
    });
    expect(mute.status).toBe(200);
    muted.say("can I talk?");
    await muted.until("error", (e) => e.code === "muted");
    const again = await join(member, roomId);
    expect(await again.until("welcome")).toMatchObject({ muted: true });
    await call(`/api/rooms/${roomId}/mute`, { cookie: club.cookie, json: { userId: member.id, minutes: 0 } });
    const back = await muted.ack(muted.say("back"));
    await other.heard(back.seq);
    expect(other.bodies()).toEqual(["back"]);
    for (const client of [moderator, muted, other, again]) client.close();
  });

  it("club rooms: only the club and its current officers moderate; people blocked either way get a 404", async () => {
    const [club, blocked, blocker] = await Promise.all([signUp({ role: "club" }), signUp(), signUp()]);
    const roomId = `club:${club.id}`;
    const [officer, member] = await Promise.all([quickPerson("Officer"), quickPerson("Member")]);
    await env.DB.prepare("insert into club_officers (club_id, user_id) values (?, ?)")
      .bind(club.id, officer.id)
      .run();
    const running = await join(officer, roomId);
    expect((await running.until("welcome")).you.moderator).toBe(true);
    running.close();
    // The office ends (leaving, removal and a block each delete it): the membership row kept from
    // the officer's visit grants nothing.
    await env.DB.prepare("delete from club_officers where club_id = ? and user_id = ?")
      .bind(club.id, officer.id)
      .run();
    const former = await join(officer, roomId);
    expect((await former.until("welcome")).you.moderator).toBe(false);
    (await join(member, roomId)).close();
    await expectProblem(
      await call(`/api/rooms/${roomId}/mute`, {
        cookie: officer.cookie,
        json: { userId: member.id, minutes: 5 },
      }),
      403,
    );
    former.close();

    expect((await call(`/api/blocks/${blocked.id}`, { method: "PUT", cookie: club.cookie })).status).toBe(
      204,
    );
    expect((await call(`/api/blocks/${club.id}`, { method: "PUT", cookie: blocker.cookie })).status).toBe(
      204,
    );
    const none = await expectProblem(await open(blocked.cookie, `club:${crypto.randomUUID()}`), 404);
    for (const person of [blocked, blocker]) {
      const refused = await expectProblem(await open(person.cookie, roomId), 404);
      expect(refused.detail).toBe(none.detail);
    }
  });

  it("authors and admins delete messages for everyone; others may not", async () => {
    const { roomId } = await clubRoom();
    const [author, other, admin] = await Promise.all([
      quickPerson("Author"),
      quickPerson("Other"),
      quickPerson("Admin", "admin"),
    ]);
    const [a, b, boss] = await Promise.all([join(author, roomId), join(other, roomId), join(admin, roomId)]);
    const first = await a.ack(a.say("mine"));
    const second = await b.ack(b.say("theirs"));
    await a.count("message", 2);
    const cursor = second.seq;
    b.close();

    a.send({ type: "delete", seq: second.seq });
    await a.until("error", (e) => e.code === "forbidden");
    a.send({ type: "delete", seq: first.seq });
    await boss.until("deleted", (d) => d.seq === first.seq);
    boss.send({ type: "delete", seq: second.seq });
    await a.until("deleted", (d) => d.seq === second.seq);

    // Someone who was away and comes back with a cursor hears of both deletions.
    const returning = await join(other, roomId, cursor);
    await returning.until("caught-up");
    expect(returning.of("deleted").map((d) => d.seq)).toEqual([first.seq, second.seq]);
    // Later history omits them.
    const fresh = await join(author, roomId);
    expect((await fresh.until("history")).messages).toEqual([]);
    fresh.send({ type: "delete", seq: first.seq });
    await fresh.until("error", (e) => e.code === "not-found");
    for (const client of [a, boss, returning, fresh]) client.close();
  });

  it("survives eviction: sockets keep their identity and the history stays", async () => {
    const { club, roomId } = await clubRoom();
    const bee = await signUp({ displayName: "Bee" });
    const [a, b] = await Promise.all([join(club, roomId), join(bee, roomId)]);
    const first = await a.ack(a.say("before the nap"));
    const stub = roomStub(roomId);
    await runInDurableObject(stub, (instance: Room & { marker?: number }) => {
      instance.marker = 1;
    });
    await evictDurableObject(stub);
    // A ping is answered by the runtime, without waking the object.
    b.send("ping");
    await expect.poll(() => b.pongs).toBe(1);

    const after = await b.ack(b.say("after the nap"));
    const seen = await a.heard(after.seq);
    expect(seen.seq).toBe(first.seq + 1);
    // The woken object forgot whom it had introduced: it names the author again, which is harmless.
    expect(seen.who).toEqual({ userId: bee.id, displayName: "Bee" });
    expect(a.author(seen)).toEqual({ userId: bee.id, displayName: "Bee" });
    const state = await runInDurableObject(stub, (instance: Room & { marker?: number }, ctx) => ({
      marker: instance.marker,
      sockets: ctx.getWebSockets().length,
    }));
    expect(state).toEqual({ marker: undefined, sockets: 2 });
    const c = await join(bee, roomId);
    const welcome = await c.until("welcome");
    expect(welcome.online).toBe(2);
    expect((await c.until("history")).messages.map((m) => m.body)).toEqual([
      "before the nap",
      "after the nap",
    ]);
    for (const client of [a, b, c]) client.close();
  });

  it("presence is a coalesced count: twenty joins do not send twenty frames", async () => {
    const { club, roomId } = await clubRoom();
    const first = await join(club, roomId);
    const people = await Promise.all(Array.from({ length: 20 }, (_, i) => quickPerson(`Guest ${i}`)));
    const before = first.of("presence").length;
    const joined = await Promise.all(people.map((person) => join(person, roomId)));
    await first.until("presence", (p) => p.count === 21);
    // At most one frame a second: the joins take well under three.
    expect(first.of("presence").length - before).toBeLessThanOrEqual(3);
    // Each joiner learns the count from its welcome, with a small sample of who is there.
    const last = joined.at(-1);
    const welcome = await last?.until("welcome");
    expect(welcome?.online).toBeGreaterThan(1);
    expect(welcome?.members.length).toBeLessThanOrEqual(12);
    for (const client of joined.slice(0, 10)) client.close();
    await first.until("presence", (p) => p.count === 11);
    for (const client of [first, ...joined.slice(10)]) client.close();
  });

  it("typing is relayed to others, not echoed, and throttled", async () => {
    const { club, roomId } = await clubRoom();
    const other = await quickPerson("Reader");
    const [typist, secondTab, reader] = await Promise.all([
      join(club, roomId),
      join(club, roomId),
      join(other, roomId),
    ]);
    typist.send({ type: "typing" });
    typist.send({ type: "typing" });
    const { seq } = await typist.ack(typist.say("done typing"));
    await Promise.all([reader, typist, secondTab].map((c) => c.heard(seq)));
    expect(reader.of("typing")).toEqual([{ type: "typing", userId: club.id, displayName: "Chess Club" }]);
    expect(typist.of("typing")).toEqual([]);
    expect(secondTab.of("typing")).toEqual([]);
    for (const client of [typist, secondTab, reader]) client.close();
  });

  it("direct rooms carry read receipts, remembered across visits", async () => {
    const [a, b] = await Promise.all([quickPerson("Ana"), quickPerson("Ben")]);
    await connected(a.id, b.id);
    const { id: roomId } = (await (
      await call("/api/rooms/dm", { cookie: a.cookie, json: { userId: b.id } })
    ).json()) as { id: string };
    const [ana, ben] = await Promise.all([join(a, roomId), join(b, roomId)]);
    const { seq } = await ana.ack(ana.say("lunch?"));
    ben.send({ type: "read", upTo: seq });
    expect(await ana.until("read")).toEqual({ type: "read", userId: b.id, upTo: seq });
    ben.close();
    const again = await join(b, roomId);
    expect((await again.until("welcome")).you.readUpTo).toBe(seq);
    for (const client of [ana, again]) client.close();
  });

  it("replays the last 50 on join and pages older history on request", async () => {
    const { club, roomId } = await clubRoom();
    const stub = roomStub(roomId);
    for (let i = 1; i <= 60; i++)
      await stub.post({ id: crypto.randomUUID(), userId: club.id, displayName: "Chess Club", body: `m${i}` });
    const client = await join(club, roomId);
    const first = await client.until("history");
    expect(first.messages.map((m) => m.body)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 11}`));
    expect(first.more).toBe(true);
    client.send({ type: "history", before: first.messages[0]?.seq ?? 0, limit: 20 });
    const older = await client.until("history", (h) => h !== first);
    expect(older.messages.map((m) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 1}`));
    expect(older.more).toBe(false);
    client.close();
  });

  it("lists the rooms a user can enter, with live counts", async () => {
    const student = await signUp({ email: uniqueEmail("s", "siswa.um.edu.my") });
    const friend = await quickPerson("Friend");
    await connected(student.id, friend.id);
    await call("/api/rooms/dm", { cookie: student.cookie, json: { userId: friend.id } });
    const campus = await join(student, "campus:um");
    const response = await call("/api/rooms", { cookie: student.cookie });
    expect(response.status).toBe(200);
    const { rooms } = (await response.json()) as {
      rooms: { id: string; kind: string; title: string; online: number; peer: unknown }[];
    };
    const byId = new Map(rooms.map((r) => [r.id, r]));
    expect(byId.get("campus:um")).toMatchObject({ kind: "campus", title: "Universiti Malaya", online: 1 });
    for (const topic of ["topic:careers", "topic:internships", "topic:ai"])
      expect(byId.has(topic)).toBe(true);
    expect(byId.get(directRoomId(student.id, friend.id))).toMatchObject({
      kind: "dm",
      title: "Friend",
      peer: { userId: friend.id, displayName: "Friend" },
    });
    expect([...byId.keys()].some((id) => id.startsWith("campus:") && id !== "campus:um")).toBe(false);
    campus.close();
    expect((await call("/api/rooms")).status).toBe(401);
  });
});

describe("limits per person, across their sockets", () => {
  /** Sends `n` messages from each client at once; the acks and refusals once all have answered. */
  async function burstFrom(clients: RoomClient[], n: number) {
    const acksBefore = clients.map((c) => c.of("ack").length);
    const refusedBefore = clients.map((c) => c.of("error").filter((e) => e.code === "rate-limited").length);
    const started = Date.now();
    for (let i = 0; i < n; i++) for (const client of clients) client.say(`burst ${i}`);
    const accepted = () => clients.reduce((sum, c, k) => sum + c.of("ack").length - (acksBefore[k] ?? 0), 0);
    const refused = () =>
      clients.reduce(
        (sum, c, k) =>
          sum + c.of("error").filter((e) => e.code === "rate-limited").length - (refusedBefore[k] ?? 0),
        0,
      );
    await expect.poll(() => accepted() + refused(), { timeout: 10_000 }).toBe(n * clients.length);
    return { accepted: accepted(), refused: refused(), seconds: (Date.now() - started) / 1000 };
  }

  it("one person's five sockets share one bucket: a burst from all of them passes about one bucket", async () => {
    const { club, roomId } = await clubRoom();
    const sockets = await Promise.all(Array.from({ length: 5 }, () => join(club, roomId)));
    const { accepted, refused, seconds } = await burstFrom(sockets, RATE_LIMIT.burst);
    // Per socket this was 5 × 10 = 50 accepted; per person it is the burst plus what refilled meanwhile.
    expect(accepted).toBeLessThanOrEqual(RATE_LIMIT.burst + Math.ceil(seconds * RATE_LIMIT.perSecond));
    expect(accepted).toBeGreaterThanOrEqual(RATE_LIMIT.burst - 1);
    expect(refused).toBeGreaterThan(0);
    // Someone else in the room has their own bucket.
    const other = await join(await quickPerson("Other"), roomId);
    await other.ack(other.say("my turn"));
    for (const client of [...sockets, other]) client.close();
  });

  it("the person's bucket survives the object's eviction; a new socket does not refill it", async () => {
    const { club, roomId } = await clubRoom();
    const first = await join(club, roomId);
    const spent = await burstFrom([first], RATE_LIMIT.burst);
    await evictDurableObject(roomStub(roomId));
    const second = await join(club, roomId);
    const again = await burstFrom([second], RATE_LIMIT.burst);
    expect(spent.accepted + again.accepted).toBeLessThanOrEqual(
      RATE_LIMIT.burst + Math.ceil((spent.seconds + again.seconds + 1) * RATE_LIMIT.perSecond),
    );
    expect(again.refused).toBeGreaterThan(0);
    for (const client of [first, second]) client.close();
  });

  it(`at most ${SOCKETS_PER_PERSON} sockets per person in a room: the next upgrade is a 429 problem`, async () => {
    const { club, roomId } = await clubRoom();
    const sockets = await Promise.all(Array.from({ length: SOCKETS_PER_PERSON }, () => join(club, roomId)));
    const over = await open(club.cookie, roomId);
    expect(over.webSocket).toBeNull();
    expect(await expectProblem(over, 429)).toMatchObject({ code: "room-sockets" });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    // Others still join.
    const other = await join(await quickPerson("Other"), roomId);
    // Closing one frees a place (once the room has seen the close).
    sockets[0]?.close();
    let replacement: Response | null = null;
    await expect
      .poll(async () => {
        const response = await open(club.cookie, roomId);
        if (response.status === 101) replacement = response;
        return response.status;
      })
      .toBe(101);
    (replacement as Response | null)?.webSocket?.accept();
    (replacement as Response | null)?.webSocket?.close(1000);
    for (const client of [...sockets.slice(1), other]) client.close();
  });
});
