import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { KeyValueStore } from "../../../worker/src/adapters/store/interface";
import { upstashStore } from "../../../worker/src/adapters/store/upstash";
import { createDb } from "../../../worker/src/db/client";
import type { Env } from "../../../worker/src/env";
import { fanOutNote } from "../../../worker/src/link";
import { followingFeed } from "../../../worker/src/link/feeds/services/following-feed";
import { fanoutJob, TIMELINE_BOTTOM, timelineKey } from "../../../worker/src/link/feeds/services/timelines";
import { consumeQueue } from "../../../worker/src/queues";
import { type ActionContext, systemContext } from "../../../worker/src/shared/context";
import { adaptersFor } from "../../../worker/src/wiring";
import { call, expectProblem, waitFor } from "../../support/http";
import { follow, person as linkPerson, type Person, uploadedImage } from "../../support/link";
import { messageBatch } from "../../support/queue";

type FeedNote = { id: string; author: { id: string }; visibility: string; createdAt: string };
type Page = { notes: FeedNote[]; nextCursor: string | null };

const store = upstashStore(env);

/** A person with a session, written straight to D1; on `campusId`, verified. */
const person = (campusId: string | null = "um") => linkPerson({ campusId, name: "Feed Reader" });

let clock = Date.now() - 60_000;
/** A note row written to D1, so no fan-out job is queued; created_at strictly increasing unless given. */
async function note(
  author: Person,
  visibility: "public" | "campus" | "followers" | "private" = "public",
  createdAt = ++clock,
): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into notes (id, author_id, campus_id, title, body, visibility, created_at) select ?, id, campus_id, 'Feed note', 'text', ?, ? from users where id = ?",
  )
    .bind(id, visibility, createdAt, author.id)
    .run();
  return id;
}

/** The timeline as stored, newest first (bottom marker included). */
async function timeline(reader: Person): Promise<string[] | null> {
  const [members] = await store.zrangeDesc([{ key: timelineKey(reader.id), limit: 10_000 }]);
  return members ? members.map((m) => m.member) : null;
}

/**
 * A first read: it makes the reader active and builds their timeline, written back after the
 * response (so this waits for it).
 */
async function activate(reader: Person): Promise<Page> {
  const page = await feed(reader);
  await waitFor(
    "the timeline's build",
    () => timeline(reader),
    (t) => t !== null,
  );
  return page;
}

async function feed(reader: Person, query = ""): Promise<Page> {
  const response = await call(`/api/feed/following${query}`, { cookie: reader.cookie });
  if (response.status !== 200) throw new Error(`feed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Page;
}

/** Every page, following the cursors. */
async function allPages(reader: Person, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page: Page = await feed(reader, `?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    ids.push(...page.notes.map((n) => n.id));
    cursor = page.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error("the cursor never ended");
}

/** The ids D1 says the reader's feed holds, newest first: the reference every answer is held to. */
async function expectedFeed(reader: Person): Promise<string[]> {
  const rows = await env.DB.prepare(
    `select n.id from notes n join follows f on f.followee_id = n.author_id and f.follower_id = ?
     where n.hidden_at is null and n.visibility <> 'private'
       and (n.visibility <> 'campus' or n.campus_id = (select case when campus_verified then campus_id end from users where id = ?))
     order by n.created_at desc, n.id desc`,
  )
    .bind(reader.id, reader.id)
    .all<{ id: string }>();
  return rows.results.map((r) => r.id);
}

/** Posts through the API, which queues the fan-out for the real consumer. */
async function post(author: Person, visibility = "public"): Promise<string> {
  const image = await uploadedImage(author);
  const response = await call("/api/notes", {
    cookie: author.cookie,
    json: { title: "Posted", body: "text", visibility, imageIds: [image] },
  });
  if (response.status !== 201) throw new Error(`post: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { note: { id: string } }).note.id;
}

const batchOf = (bodies: unknown[]) => messageBatch("atas-fanout", bodies);

/**
 * The feed service as a request would run it, with a different configuration, and round trips
 * counted: each store call, and each D1 call (a batch is one).
 */
async function reading(reader: Person, overrides: Partial<Env> = {}) {
  const counts = { store: 0, d1: 0 };
  const pending: Promise<unknown>[] = [];
  const bindings = { ...env, ...overrides } as Env;
  const base = systemContext(bindings, adaptersFor(bindings), (p) => pending.push(p));
  const countedStore = Object.fromEntries(
    Object.entries(base.adapters.store).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        counts.store += 1;
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as KeyValueStore;
  const countedStatement = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        if (property === "bind") return (...args: unknown[]) => countedStatement(target.bind(...args));
        const value = Reflect.get(target, property);
        if (typeof value !== "function") return value;
        if (["all", "raw", "run", "first"].includes(String(property)))
          return (...args: unknown[]) => {
            counts.d1 += 1;
            return value.apply(target, args);
          };
        return value.bind(target);
      },
    });
  const countedD1 = new Proxy(env.DB, {
    get(target, property) {
      if (property === "prepare") return (query: string) => countedStatement(target.prepare(query));
      if (property === "batch")
        return (statements: D1PreparedStatement[]) => {
          counts.d1 += 1;
          return target.batch(statements);
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const user = await env.DB.prepare("select * from users where id = ?").bind(reader.id).first();
  const actor = {
    ...(user as Record<string, unknown>),
    displayName: user?.display_name,
    campusId: user?.campus_id ?? null,
    campusVerified: Boolean(user?.campus_verified),
  } as unknown as NonNullable<ActionContext["actor"]>;
  const ctx: ActionContext = {
    ...base,
    adapters: { ...base.adapters, store: countedStore },
    db: createDb(countedD1),
    actor,
  };
  return {
    counts,
    async page(limit = 20, cursor?: string) {
      counts.store = 0;
      counts.d1 = 0;
      const result = await followingFeed({ ctx, input: { limit, cursor } });
      const calls = { ...counts };
      await Promise.all(pending.splice(0));
      return { ...result, ids: result.notes.map((n) => n.id), calls };
    },
    async all(limit: number) {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 100; i++) {
        const page = await this.page(limit, cursor);
        ids.push(...page.ids);
        if (!page.nextCursor) return ids;
        cursor = page.nextCursor;
      }
      throw new Error("the cursor never ended");
    },
  };
}

describe("following feed: fan-out on write", () => {
  it("a posted note reaches each active follower's timeline through the queue; an inactive follower's is rebuilt on read to the same content", async () => {
    const author = await person();
    const [active1, active2, away, stranger] = await Promise.all([person(), person(), person(), person()]);
    for (const reader of [active1, active2, away]) await follow(reader, author);
    // Reading the feed is what makes a reader active, and builds an (empty, marked) timeline.
    for (const reader of [active1, active2, stranger]) expect((await activate(reader)).notes).toEqual([]);
    expect(await timeline(active1)).toEqual([TIMELINE_BOTTOM]);

    const id = await post(author);
    for (const reader of [active1, active2])
      await waitFor(
        "fan-out",
        () => timeline(reader),
        (t) => t?.[0] === id,
      );
    expect(await timeline(active1)).toEqual([id, TIMELINE_BOTTOM]);
    expect(await timeline(stranger)).toEqual([TIMELINE_BOTTOM]);
    expect(await timeline(away)).toBeNull();

    // The page is the note as GET /api/notes/{id} shows it.
    const single = (await (await call(`/api/notes/${id}`, { cookie: active1.cookie })).json()) as {
      note: FeedNote;
    };
    expect((await feed(active1)).notes).toEqual([single.note]);

    // The one who was away gets the same timeline, rebuilt from D1 on their first read.
    expect((await feed(away)).notes.map((n) => n.id)).toEqual([id]);
    await waitFor(
      "rebuild",
      () => timeline(away),
      (t) => t !== null,
    );
    expect(await timeline(away)).toEqual(await timeline(active1));

    // Running the job again changes nothing.
    const again = batchOf([fanoutJob(id)]);
    await consumeQueue(again.batch, env);
    expect(again.outcomes).toEqual(["ack"]);
    expect(await timeline(active1)).toEqual([id, TIMELINE_BOTTOM]);
    expect(await timeline(away)).toEqual([id, TIMELINE_BOTTOM]);
  });

  it("follower whose last read is over seven days old is not written to; a bad job is parked", async () => {
    const author = await person();
    const [recent, stale] = await Promise.all([person(), person()]);
    await follow(recent, author);
    await follow(stale, author);
    await activate(recent);
    await activate(stale);
    await env.DB.prepare("update feed_activity set active_at = ? where user_id = ?")
      .bind(Date.now() - 8 * 24 * 3600_000, stale.id)
      .run();
    const id = await note(author);
    expect(await fanOutNote(env, id, adaptersFor(env))).toEqual({ timelines: 1, pages: 1 });
    expect(await timeline(recent)).toEqual([id, TIMELINE_BOTTOM]);
    expect(await timeline(stale)).toEqual([TIMELINE_BOTTOM]);
    // Coming back renews the activity, and the next note reaches them.
    await feed(stale);
    const next = await note(author);
    expect(await fanOutNote(env, next, adaptersFor(env))).toEqual({ timelines: 2, pages: 1 });
    expect(await timeline(stale)).toEqual([next, TIMELINE_BOTTOM]);

    const bad = batchOf([{ kind: "fanout" }]);
    await consumeQueue(bad.batch, env);
    expect(bad.outcomes).toEqual(["ack"]);
    const parked = await env.DB.prepare(
      "select count(*) as n from dead_letters where queue = 'atas-fanout' and body = ?",
    )
      .bind(JSON.stringify({ kind: "fanout" }))
      .first<{ n: number }>();
    expect(parked?.n).toBe(1);
    // Without the store the job is retried, not lost.
    const down = batchOf([fanoutJob(id)]);
    const storeDown = { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
    await consumeQueue(down.batch, storeDown);
    expect(down.outcomes).toEqual(["retry"]);
  });

  it("campus and followers-only notes reach only those allowed; private and hidden notes reach nobody", async () => {
    const author = await person("um");
    const [sameCampus, otherCampus, noCampus] = await Promise.all([
      person("um"),
      person("ukm"),
      person(null),
    ]);
    for (const reader of [sameCampus, otherCampus, noCampus]) {
      await follow(reader, author);
      await activate(reader);
    }
    const open = await note(author, "public");
    const campus = await note(author, "campus");
    const followers = await note(author, "followers");
    const mine = await note(author, "private");
    const hidden = await note(author, "public");
    await env.DB.prepare("update notes set hidden_at = 1 where id = ?").bind(hidden).run();

    expect(await fanOutNote(env, open, adaptersFor(env))).toEqual({ timelines: 3, pages: 1 });
    expect(await fanOutNote(env, campus, adaptersFor(env))).toEqual({ timelines: 1, pages: 1 });
    expect(await fanOutNote(env, followers, adaptersFor(env))).toEqual({ timelines: 3, pages: 1 });
    expect(await fanOutNote(env, mine, adaptersFor(env))).toMatchObject({
      timelines: 0,
      skipped: "not-listed",
    });
    expect(await fanOutNote(env, hidden, adaptersFor(env))).toMatchObject({
      timelines: 0,
      skipped: "not-listed",
    });

    expect(await timeline(sameCampus)).toEqual([followers, campus, open, TIMELINE_BOTTOM]);
    expect(await timeline(otherCampus)).toEqual([followers, open, TIMELINE_BOTTOM]);
    expect((await feed(otherCampus)).notes.map((n) => n.id)).toEqual([followers, open]);
    expect((await feed(sameCampus)).notes.map((n) => n.id)).toEqual(await expectedFeed(sameCampus));

    // A rebuild gives exactly what fan-out wrote.
    for (const reader of [sameCampus, otherCampus, noCampus]) {
      const fannedOut = await timeline(reader);
      await store.del([timelineKey(reader.id)]);
      await reading(reader).then((r) => r.page());
      expect(await timeline(reader)).toEqual(fannedOut);
    }

    // Made private after its fan-out: gone from every page at once (the read checks again).
    await env.DB.prepare("update notes set visibility = 'private' where id = ?").bind(followers).run();
    expect((await feed(sameCampus)).notes.map((n) => n.id)).toEqual([campus, open]);
  });
});

describe("following feed: unfollow, block and delete", () => {
  it("unfollowing or being blocked takes the author's notes out of the timeline and the feed", async () => {
    const [reader, left, blocker, kept] = await Promise.all([person(), person(), person(), person()]);
    await follow(reader, left, blocker, kept);
    await activate(reader);
    const ids = { left: await note(left), blocker: await note(blocker), kept: await note(kept) };
    for (const id of Object.values(ids)) await fanOutNote(env, id, adaptersFor(env));
    expect(await timeline(reader)).toEqual([ids.kept, ids.blocker, ids.left, TIMELINE_BOTTOM]);

    const unfollow = await call(`/api/follows/${left.id}`, { method: "DELETE", cookie: reader.cookie });
    expect(unfollow.status).toBe(200);
    expect(await timeline(reader)).toEqual([ids.kept, ids.blocker, TIMELINE_BOTTOM]);
    const block = await call(`/api/blocks/${reader.id}`, { method: "PUT", cookie: blocker.cookie });
    expect(block.status).toBe(204);
    expect(await timeline(reader)).toEqual([ids.kept, TIMELINE_BOTTOM]);
    expect((await feed(reader)).notes.map((n) => n.id)).toEqual([ids.kept]);

    // Following again brings the author's notes back into the existing timeline at once.
    const refollow = await call(`/api/follows/${left.id}`, { method: "PUT", cookie: reader.cookie });
    expect(refollow.status).toBe(200);
    expect(await timeline(reader)).toEqual([ids.kept, ids.left, TIMELINE_BOTTOM]);
  });

  it("a note the timeline still names but the author unfollowed is filtered at read and dropped from the set", async () => {
    const [reader, author, other] = await Promise.all([person(), person(), person()]);
    await follow(reader, author, other);
    await activate(reader);
    const gone = await note(author);
    const stays = await note(other);
    await fanOutNote(env, gone, adaptersFor(env));
    await fanOutNote(env, stays, adaptersFor(env));
    // The follow ends behind the service's back (as a racing fan-out would leave it).
    await env.DB.prepare("delete from follows where follower_id = ? and followee_id = ?")
      .bind(reader.id, author.id)
      .run();
    expect((await feed(reader)).notes.map((n) => n.id)).toEqual([stays]);
    await waitFor(
      "lazy removal",
      () => timeline(reader),
      (t) => !t?.includes(gone),
    );
  });

  it("a deleted note leaves the feed at once and the timelines through the queue", async () => {
    const author = await person();
    const [reader1, reader2] = await Promise.all([person(), person()]);
    for (const reader of [reader1, reader2]) {
      await follow(reader, author);
      await activate(reader);
    }
    const id = await post(author);
    for (const reader of [reader1, reader2])
      await waitFor(
        "fan-out",
        () => timeline(reader),
        (t) => t?.[0] === id,
      );
    const removed = await call(`/api/notes/${id}`, { method: "DELETE", cookie: author.cookie });
    expect(removed.status).toBe(204);
    expect((await feed(reader1)).notes).toEqual([]);
    for (const reader of [reader1, reader2])
      await waitFor(
        "withdrawal",
        () => timeline(reader),
        (t) => t?.length === 1,
      );
    expect(await timeline(reader2)).toEqual([TIMELINE_BOTTOM]);
  });
});

describe("following feed: cap, big authors, pages", () => {
  it("the cap holds; past it the feed goes on from D1, and a rebuild keeps the newest cap", async () => {
    const small = { FEED_TIMELINE_CAP: "5" } as Partial<Env>;
    const [reader, author] = await Promise.all([person(), person()]);
    await follow(reader, author);
    await (await reading(reader, small)).page();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      ids.unshift(await note(author));
      await fanOutNote(
        { ...env, ...small } as Env,
        ids[0] as string,
        adaptersFor({ ...env, ...small } as Env),
      );
    }
    expect(await timeline(reader)).toEqual(ids.slice(0, 5));

    const feedReader = await reading(reader, small);
    expect(await feedReader.all(3)).toEqual(ids);
    expect(await feedReader.all(20)).toEqual(ids);

    await store.del([timelineKey(reader.id)]);
    const rebuilt = await feedReader.page(2);
    expect(rebuilt.source).toBe("rebuilt");
    expect(rebuilt.ids).toEqual(ids.slice(0, 2));
    expect(await timeline(reader)).toEqual(ids.slice(0, 5));
    expect((await feedReader.page(2)).source).toBe("timeline");
  });

  it("a big author's notes are not fanned out but merged at read time, in order, across pages", async () => {
    const big = { FANOUT_MAX_FOLLOWERS: "2" } as Partial<Env>;
    const bigEnv = { ...env, ...big } as Env;
    const [star, friend, reader, fan1, fan2] = await Promise.all([
      person(),
      person(),
      person(),
      person(),
      person(),
    ]);
    await follow(reader, star, friend);
    await follow(fan1, star);
    await follow(fan2, star);
    const feedReader = await reading(reader, big);
    await feedReader.page();
    // Interleaved, with two notes in the same millisecond across the two authors.
    const expected: string[] = [];
    const friends: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await note(star);
      const f = await note(friend);
      expect(await fanOutNote(bigEnv, s, adaptersFor(bigEnv))).toMatchObject({
        timelines: 0,
        skipped: "big-author",
      });
      expect(await fanOutNote(bigEnv, f, adaptersFor(bigEnv))).toEqual({ timelines: 1, pages: 1 });
      expected.unshift(f, s);
      friends.unshift(f);
    }
    const tie = ++clock;
    const tiedStar = await note(star, "public", tie);
    const tiedFriend = await note(friend, "public", tie);
    await fanOutNote(bigEnv, tiedStar, adaptersFor(bigEnv));
    await fanOutNote(bigEnv, tiedFriend, adaptersFor(bigEnv));
    expected.unshift(...[tiedStar, tiedFriend].sort().reverse());
    friends.unshift(tiedFriend);

    expect(await timeline(reader)).toEqual([...friends, TIMELINE_BOTTOM]);
    expect(expected).toEqual(await expectedFeed(reader));
    for (const limit of [1, 2, 3, 20]) expect(await feedReader.all(limit)).toEqual(expected);

    // A rebuild leaves the big author out too, as fan-out did.
    await store.del([timelineKey(reader.id)]);
    expect((await feedReader.page()).ids).toEqual(expected);
    expect(await timeline(reader)).toEqual([...friends, TIMELINE_BOTTOM]);
  });

  it("pages through notes posted in the same millisecond without repeats or gaps", async () => {
    const reader = await person();
    const authors = await Promise.all([person(), person(), person()]);
    await follow(reader, ...authors);
    await activate(reader);
    const at = ++clock;
    clock += 10;
    for (const author of authors)
      for (let i = 0; i < 3; i++) await fanOutNote(env, await note(author, "public", at), adaptersFor(env));
    await fanOutNote(env, await note(authors[0] as Person), adaptersFor(env));
    const expected = await expectedFeed(reader);
    expect(expected).toHaveLength(10);
    for (const limit of [1, 2, 4, 7]) expect(await allPages(reader, limit)).toEqual(expected);
    // The same pages from D1 alone (no store) and across a D1 page then a timeline page.
    const down = await reading(reader, { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" });
    expect(await down.all(4)).toEqual(expected);
    const first = await down.page(4);
    expect(first.source).toBe("d1");
    const rest = (await feed(reader, `?limit=20&cursor=${first.nextCursor}`)).notes.map((n) => n.id);
    expect([...first.ids, ...rest]).toEqual(expected);
  });
});

describe("following feed: cost and errors", () => {
  it("a read is one store call and one D1 batch, big authors merged in included", async () => {
    const big = { FANOUT_MAX_FOLLOWERS: "1" } as Partial<Env>;
    const [reader, star, friend, fan] = await Promise.all([person(), person(), person(), person()]);
    await follow(reader, star, friend);
    await follow(fan, star);
    const feedReader = await reading(reader, big);
    const rebuild = await feedReader.page();
    expect(rebuild.source).toBe("rebuilt");
    // A rebuild also writes the timeline back: a second store call, left to run after the response.
    expect(rebuild.calls).toEqual({ store: 2, d1: 1 });
    for (let i = 0; i < 5; i++) {
      await note(star);
      await fanOutNote({ ...env, ...big } as Env, await note(friend), adaptersFor({ ...env, ...big } as Env));
    }
    const first = await feedReader.page(4);
    expect(first.source).toBe("timeline");
    expect(first.calls).toEqual({ store: 1, d1: 1 });
    expect(first.ids).toHaveLength(4);
    const second = await feedReader.page(4, first.nextCursor ?? undefined);
    expect(second.calls).toEqual({ store: 1, d1: 1 });
    expect([...first.ids, ...second.ids]).toEqual((await expectedFeed(reader)).slice(0, 8));

    // Through HTTP, measured by the D1 meter.
    const measured = await call("/api/feed/following?limit=5", {
      cookie: reader.cookie,
      headers: { "x-atas-measure": "d1" },
    });
    expect(measured.status).toBe(200);
    // The session lookup, then the feed's one batch.
    expect(measured.headers.get("x-d1-round-trips")).toBe("2");
  });

  it("an empty feed is built once, not on every read", async () => {
    const loner = await reading(await person());
    expect((await loner.page()).source).toBe("rebuilt");
    const again = await loner.page();
    expect(again.source).toBe("timeline");
    expect(again.ids).toEqual([]);
    expect(again.nextCursor).toBeNull();
  });

  it("signed out is 401; a bad cursor or limit is 400", async () => {
    await expectProblem(await call("/api/feed/following"), 401);
    const reader = await person();
    await expectProblem(await call("/api/feed/following?cursor=nope", { cookie: reader.cookie }), 400);
    await expectProblem(await call("/api/feed/following?limit=51", { cookie: reader.cookie }), 400);
    await expectProblem(await call("/api/feed/following?limit=0", { cookie: reader.cookie }), 400);
  });
});
