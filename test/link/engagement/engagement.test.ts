import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { InboxFrame } from "../../../worker/src/realtime/inbox";
import { call, clearOfWindowEdge, expectProblem, json, ORIGIN } from "../../support/http";
import {
  block,
  count,
  del,
  person as linkPerson,
  type Person,
  type PersonFields,
  put,
} from "../../support/link";

const person = (name?: string, role?: PersonFields["role"]) => linkPerson({ name, role });

/** A note written with raw SQL, so these tests do not depend on the notes API. */
async function note(author: Person, visibility: "public" | "campus" | "followers" | "private" = "public") {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into notes (id, author_id, title, body, visibility, created_at) values (?, ?, 'Kopi spots near UM', 'text', ?, ?)",
  )
    .bind(id, author.id, visibility, Date.now())
    .run();
  return id;
}

async function notificationTypes(who: Person): Promise<string[]> {
  const body = await json<{ notifications: { type: string; text: string }[] }>(
    await call("/api/notifications", { cookie: who.cookie }),
  );
  return body.notifications.map((n) => n.type);
}

interface FollowState {
  following: boolean;
  followedBy: boolean;
  mutual: boolean;
  followers: number;
  followingCount: number;
}
interface Comment {
  id: string;
  parentId: string | null;
  body: string;
  likes: number;
  liked: boolean;
  replies: number;
}

describe("follows", () => {
  it("follow and unfollow with exact counts; following twice counts once; lists page by cursor", async () => {
    const [star, a, b, c] = await Promise.all([person("Star"), person("A"), person("B"), person("C")]);
    const first = await json<FollowState>(await put(`/api/follows/${star.id}`, a));
    expect(first).toMatchObject({ following: true, followedBy: false, followers: 1 });
    expect((await json<FollowState>(await put(`/api/follows/${star.id}`, a))).followers).toBe(1);
    await put(`/api/follows/${star.id}`, b);
    await put(`/api/follows/${star.id}`, c);
    const page1 = await json<{
      users: { id: string }[];
      nextCursor: string | null;
      counts: { followers: number };
    }>(await call(`/api/users/${star.id}/followers?limit=2`, { cookie: a.cookie }));
    expect(page1.counts.followers).toBe(3);
    expect(page1.users).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await json<{ users: { id: string }[]; nextCursor: string | null }>(
      await call(`/api/users/${star.id}/followers?limit=2&cursor=${page1.nextCursor}`, { cookie: a.cookie }),
    );
    expect(page2.nextCursor).toBeNull();
    expect([...page1.users, ...page2.users].map((u) => u.id).sort()).toEqual([a.id, b.id, c.id].sort());
    const following = await json<{ users: { id: string }[]; counts: { following: number } }>(
      await call(`/api/users/${a.id}/following`, { cookie: b.cookie }),
    );
    expect(following.users.map((u) => u.id)).toEqual([star.id]);
    expect(following.counts.following).toBe(1);

    const after = await json<FollowState>(await del(`/api/follows/${star.id}`, a));
    expect(after).toMatchObject({ following: false, followers: 2 });
    expect((await json<FollowState>(await del(`/api/follows/${star.id}`, a))).followers).toBe(2);
    expect(await count("select count(*) as n from follows where followee_id = ?", star.id)).toBe(2);
    expect(await count("select followers as n from user_counts where user_id = ?", star.id)).toBe(2);
    expect(await count("select following as n from user_counts where user_id = ?", a.id)).toBe(0);
    await expectProblem(await put(`/api/follows/${a.id}`, a), 400);
    await expectProblem(await put(`/api/follows/${crypto.randomUUID()}`, a), 404);
    await expectProblem(await call(`/api/follows/${star.id}`, { method: "PUT" }), 401);
  });

  it("a mutual follow connects the two; unfollowing removes only a mutual-follow edge", async () => {
    const [a, b, c, d] = await Promise.all([person(), person(), person(), person()]);
    const edge = (x: Person, y: Person) =>
      env.DB.prepare("select source from connections where user_id = ? and peer_id = ?")
        .bind(x.id, y.id)
        .first<{ source: string }>();
    await put(`/api/follows/${b.id}`, a);
    expect(await edge(a, b)).toBeNull();
    expect(await json<FollowState>(await put(`/api/follows/${a.id}`, b))).toMatchObject({ mutual: true });
    expect((await edge(a, b))?.source).toBe("mutual-follow");
    expect((await edge(b, a))?.source).toBe("mutual-follow");
    await del(`/api/follows/${b.id}`, a);
    expect(await edge(a, b)).toBeNull();
    expect(await edge(b, a)).toBeNull();

    // An edge from an accepted connection request outlives the follows.
    const insert =
      "insert into connections (user_id, peer_id, source, created_at) values (?, ?, 'connection', 0)";
    await env.DB.batch([env.DB.prepare(insert).bind(c.id, d.id), env.DB.prepare(insert).bind(d.id, c.id)]);
    await put(`/api/follows/${d.id}`, c);
    await put(`/api/follows/${c.id}`, d);
    await del(`/api/follows/${d.id}`, c);
    expect((await edge(c, d))?.source).toBe("connection");
  });

  it("blocked either way: 404 and no follow", async () => {
    const [a, b, c] = await Promise.all([person(), person(), person()]);
    await block(b, a);
    await expectProblem(await put(`/api/follows/${b.id}`, a), 404);
    await expectProblem(await put(`/api/follows/${a.id}`, b), 404);
    await expectProblem(await call(`/api/users/${b.id}/followers`, { cookie: a.cookie }), 404);
    expect(await count("select count(*) as n from follows where follower_id in (?, ?)", a.id, b.id)).toBe(0);
    // Someone blocked is left out of others' lists as the blocker reads them.
    await put(`/api/follows/${c.id}`, a);
    const list = await json<{ users: { id: string }[] }>(
      await call(`/api/users/${c.id}/followers`, { cookie: b.cookie }),
    );
    expect(list.users).toEqual([]);
  });

  it("a block ends the follows between the two, and the counts follow", async () => {
    const [a, b] = await Promise.all([person(), person()]);
    await put(`/api/follows/${b.id}`, a);
    await put(`/api/follows/${a.id}`, b);
    expect(await count("select count(*) as n from follows where follower_id in (?, ?)", a.id, b.id)).toBe(2);
    expect((await call(`/api/blocks/${b.id}`, { method: "PUT", cookie: a.cookie })).status).toBe(204);
    expect(await count("select count(*) as n from follows where follower_id in (?, ?)", a.id, b.id)).toBe(0);
    expect(await count("select followers as n from user_counts where user_id = ?", a.id)).toBe(0);
  });

  it("the followee is told, stored and live; never yourself", async () => {
    const [a, b] = await Promise.all([person("Aisyah"), person("Wei Jie")]);
    const upgrade = await SELF.fetch(`${ORIGIN}/api/inbox`, {
      headers: { upgrade: "websocket", cookie: b.cookie, origin: ORIGIN },
    });
    const socket = upgrade.webSocket;
    if (!socket) throw new Error("no socket");
    const frames: InboxFrame[] = [];
    socket.addEventListener("message", (e) => frames.push(JSON.parse(String(e.data)) as InboxFrame));
    socket.accept();
    await put(`/api/follows/${b.id}`, a);
    const deadline = Date.now() + 5000;
    while (!frames.some((f) => f.type === "notification") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(frames.find((f) => f.type === "notification")).toMatchObject({
      notification: { type: "follow", text: "Aisyah followed you." },
    });
    socket.close();
    expect(await notificationTypes(b)).toEqual(["follow"]);
    expect(await notificationTypes(a)).toEqual([]);
  });

  it("topic follows are normalised and idempotent", async () => {
    const a = await person();
    expect(await json(await put("/api/topic-follows/%23KL_Food", a))).toEqual({
      topic: "kl_food",
      following: true,
    });
    await put("/api/topic-follows/kl_food", a);
    await put(`/api/topic-follows/${encodeURIComponent("留学")}`, a);
    expect(await json(await call("/api/topic-follows", { cookie: a.cookie }))).toEqual({
      topics: ["kl_food", "留学"],
    });
    await del("/api/topic-follows/kl_food", a);
    expect(await json(await call("/api/topic-follows", { cookie: a.cookie }))).toEqual({ topics: ["留学"] });
    await expectProblem(await put("/api/topic-follows/not%20a%20topic", a), 400);
  });
});

describe("likes", () => {
  it("liking twice counts once; unlike; the author is told once, never themselves", async () => {
    const [author, fan] = await Promise.all([person("Author"), person("Fan")]);
    const id = await note(author);
    expect(await json(await put(`/api/notes/${id}/like`, fan))).toEqual({ liked: true, likes: 1 });
    expect(await json(await put(`/api/notes/${id}/like`, fan))).toEqual({ liked: true, likes: 1 });
    expect(await json(await put(`/api/notes/${id}/like`, author))).toEqual({ liked: true, likes: 2 });
    expect(await json(await del(`/api/notes/${id}/like`, fan))).toEqual({ liked: false, likes: 1 });
    expect(await json(await del(`/api/notes/${id}/like`, fan))).toEqual({ liked: false, likes: 1 });
    expect(await notificationTypes(author)).toEqual(["note.like"]);
    expect(await notificationTypes(fan)).toEqual([]);
    await expectProblem(await put(`/api/notes/${crypto.randomUUID()}/like`, fan), 404);
  });

  it("like, unlike, like again: the note's and the comment's author are each told once", async () => {
    const [author, fan] = await Promise.all([person("Author"), person("Fan")]);
    const id = await note(author);
    const comment = await json<{ comment: Comment }>(
      await call(`/api/notes/${id}/comments`, { cookie: author.cookie, json: { body: "Hello" } }),
      201,
    );
    for (let i = 0; i < 3; i++) {
      await json(await put(`/api/notes/${id}/like`, fan));
      await json(await del(`/api/notes/${id}/like`, fan));
      await json(await put(`/api/comments/${comment.comment.id}/like`, fan));
      await json(await del(`/api/comments/${comment.comment.id}/like`, fan));
    }
    expect((await notificationTypes(author)).sort()).toEqual(["comment.like", "note.like"]);
  });

  it("25 concurrent likes from 25 people count exactly 25, equal to the rows", async () => {
    const author = await person();
    const id = await note(author);
    const fans = await Promise.all(Array.from({ length: 25 }, (_, i) => person(`Fan ${i}`)));
    const responses = await Promise.all(
      fans.flatMap((fan) => [put(`/api/notes/${id}/like`, fan), put(`/api/notes/${id}/like`, fan)]),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const rows = await count("select count(*) as n from note_likes where note_id = ?", id);
    expect(rows).toBe(25);
    expect(await count("select likes as n from note_counts where note_id = ?", id)).toBe(25);
  });

  it("a note you cannot see, or whose author blocked you, cannot be liked (404)", async () => {
    const [author, other, blocked] = await Promise.all([person(), person(), person()]);
    const secret = await note(author, "private");
    const forFollowers = await note(author, "followers");
    const open = await note(author);
    await block(author, blocked);
    await expectProblem(await put(`/api/notes/${secret}/like`, other), 404);
    await expectProblem(await put(`/api/notes/${forFollowers}/like`, other), 404);
    await put(`/api/follows/${author.id}`, other);
    expect((await json<{ likes: number }>(await put(`/api/notes/${forFollowers}/like`, other))).likes).toBe(
      1,
    );
    await expectProblem(await put(`/api/notes/${open}/like`, blocked), 404);
    expect(await count("select count(*) as n from note_likes where user_id = ?", blocked.id)).toBe(0);
  });
});

describe("boards", () => {
  it("collect into a private and a public board; counts; who sees which board", async () => {
    const [owner, author, viewer] = await Promise.all([person(), person(), person()]);
    const id = await note(author);
    const mine = await json<{ id: string }>(
      await call("/api/boards", {
        cookie: owner.cookie,
        json: { name: "Secret eats", visibility: "private" },
      }),
      201,
    );
    const shared = await json<{ id: string; visibility: string }>(
      await call("/api/boards", { cookie: owner.cookie, json: { name: "Campus life" } }),
      201,
    );
    expect(shared.visibility).toBe("public");
    expect(await json(await put(`/api/boards/${mine.id}/notes/${id}`, owner))).toEqual({
      collected: true,
      collects: 1,
    });
    expect(await json(await put(`/api/boards/${mine.id}/notes/${id}`, owner))).toEqual({
      collected: true,
      collects: 1,
    });
    expect(await json(await put(`/api/boards/${shared.id}/notes/${id}`, owner))).toEqual({
      collected: true,
      collects: 2,
    });

    const own = await json<{ boards: { id: string; notes: number }[] }>(
      await call(`/api/users/${owner.id}/boards`, { cookie: owner.cookie }),
    );
    expect(own.boards.map((b) => b.id).sort()).toEqual([mine.id, shared.id].sort());
    const seen = await json<{ boards: { id: string; notes: number }[] }>(
      await call(`/api/users/${owner.id}/boards`, { cookie: viewer.cookie }),
    );
    expect(seen.boards).toMatchObject([{ id: shared.id, notes: 1 }]);
    const board = await json<{ notes: { id: string; counts: { collects: number } }[] }>(
      await call(`/api/boards/${shared.id}`, { cookie: viewer.cookie }),
    );
    expect(board.notes).toMatchObject([{ id, counts: { collects: 2 } }]);
    await expectProblem(await call(`/api/boards/${mine.id}`, { cookie: viewer.cookie }), 404);
    await expectProblem(await put(`/api/boards/${shared.id}/notes/${id}`, viewer), 404);

    expect(await json(await del(`/api/boards/${mine.id}/notes/${id}`, owner))).toEqual({
      collected: false,
      collects: 1,
    });
    expect(await count("select count(*) as n from board_notes where note_id = ?", id)).toBe(1);
    // A note the owner cannot see cannot be collected.
    const hidden = await note(author, "private");
    await expectProblem(await put(`/api/boards/${shared.id}/notes/${hidden}`, owner), 404);
  });
});

describe("comments", () => {
  it("two levels: a reply to a reply joins the top-level thread; counts, likes, listing order and cursor", async () => {
    const [author, a, b] = await Promise.all([person("Author"), person("Aisyah"), person("Ravi")]);
    const id = await note(author);
    const post = (who: Person, body: string, parentId?: string) =>
      call(`/api/notes/${id}/comments`, {
        cookie: who.cookie,
        json: { body, ...(parentId ? { parentId } : {}) },
      });
    const top = await json<{ comment: Comment; comments: number }>(await post(a, "  Where is this?  "), 201);
    expect(top.comment.body).toBe("Where is this?");
    expect(top.comments).toBe(1);
    const reply = await json<{ comment: Comment }>(
      await post(author, "Near the library", top.comment.id),
      201,
    );
    expect(reply.comment.parentId).toBe(top.comment.id);
    const deeper = await json<{ comment: Comment; comments: number }>(
      await post(b, "Thanks!", reply.comment.id),
      201,
    );
    expect(deeper.comment.parentId).toBe(top.comment.id);
    expect(deeper.comments).toBe(3);
    const second = await json<{ comment: Comment }>(await post(b, "Second thread"), 201);

    expect(await json(await put(`/api/comments/${top.comment.id}/like`, b))).toEqual({
      liked: true,
      likes: 1,
    });
    expect(await json(await put(`/api/comments/${top.comment.id}/like`, b))).toEqual({
      liked: true,
      likes: 1,
    });
    expect(await json(await put(`/api/comments/${top.comment.id}/like`, author))).toEqual({
      liked: true,
      likes: 2,
    });
    expect(await json(await del(`/api/comments/${top.comment.id}/like`, author))).toEqual({
      liked: false,
      likes: 1,
    });

    type Threads = {
      threads: (Comment & { replyList: Comment[] })[];
      nextCursor: string | null;
      comments: number;
    };
    const newest = await json<Threads>(await call(`/api/notes/${id}/comments`, { cookie: b.cookie }));
    expect(newest.threads.map((t) => t.id)).toEqual([second.comment.id, top.comment.id]);
    expect(newest.comments).toBe(4);
    const thread = newest.threads[1];
    expect(thread).toMatchObject({ likes: 1, liked: true, replies: 2 });
    expect(thread?.replyList.map((r) => r.id)).toEqual([reply.comment.id, deeper.comment.id]);
    const oldest = await json<Threads>(
      await call(`/api/notes/${id}/comments?order=oldest&limit=1`, { cookie: b.cookie }),
    );
    expect(oldest.threads.map((t) => t.id)).toEqual([top.comment.id]);
    const next = await json<Threads>(
      await call(`/api/notes/${id}/comments?order=oldest&limit=1&cursor=${oldest.nextCursor}`, {
        cookie: b.cookie,
      }),
    );
    expect(next.threads.map((t) => t.id)).toEqual([second.comment.id]);
    expect(next.nextCursor).toBeNull();

    // The note's author hears of comments, the person replied to of replies, nobody of their own.
    expect((await notificationTypes(author)).sort()).toEqual([
      "comment.reply",
      "note.comment",
      "note.comment",
    ]);
    expect((await notificationTypes(a)).sort()).toEqual(["comment.like", "comment.like", "comment.reply"]);
    expect((await notificationTypes(b)).sort()).toEqual([]);

    await expectProblem(await post(a, "   "), 400);
    await expectProblem(await post(a, "x".repeat(1001)), 400);
    await expectProblem(await post(a, "hi", crypto.randomUUID()), 404);
  });

  it("deleting: the author, the note's author or an admin; a thread takes its replies; counts follow", async () => {
    const [author, a, b, admin] = await Promise.all([person(), person(), person(), person("Admin", "admin")]);
    const id = await note(author);
    const post = async (who: Person, body: string, parentId?: string) =>
      json<{ comment: Comment }>(
        await call(`/api/notes/${id}/comments`, {
          cookie: who.cookie,
          json: { body, ...(parentId ? { parentId } : {}) },
        }),
        201,
      );
    const top = await post(a, "top");
    await post(b, "reply", top.comment.id);
    const other = await post(b, "other");
    const lone = await post(a, "lone");
    await expectProblem(await del(`/api/comments/${top.comment.id}`, b), 403);
    expect(await json(await del(`/api/comments/${top.comment.id}`, author))).toEqual({ comments: 2 });
    expect(await json(await del(`/api/comments/${other.comment.id}`, b))).toEqual({ comments: 1 });
    expect(await json(await del(`/api/comments/${lone.comment.id}`, admin))).toEqual({ comments: 0 });
    await expectProblem(await del(`/api/comments/${lone.comment.id}`, admin), 404);
    const live = await count(
      "select count(*) as n from comments where note_id = ? and deleted_at is null",
      id,
    );
    expect(live).toBe(0);
    expect(await count("select comments as n from note_counts where note_id = ?", id)).toBe(0);
    expect(await count("select replies as n from comment_counts where comment_id = ?", top.comment.id)).toBe(
      0,
    );
    await expectProblem(await put(`/api/comments/${top.comment.id}/like`, b), 404);
  });

  it("a blocked person cannot comment, reply or like (404); a hidden note cannot be commented on", async () => {
    const [author, fan, blocked] = await Promise.all([person(), person(), person()]);
    const id = await note(author);
    const first = await json<{ comment: Comment }>(
      await call(`/api/notes/${id}/comments`, { cookie: fan.cookie, json: { body: "hello" } }),
      201,
    );
    await block(fan, blocked);
    await expectProblem(
      await call(`/api/notes/${id}/comments`, {
        cookie: blocked.cookie,
        json: { body: "hi", parentId: first.comment.id },
      }),
      404,
    );
    await expectProblem(await put(`/api/comments/${first.comment.id}/like`, blocked), 404);
    await block(author, blocked);
    await expectProblem(
      await call(`/api/notes/${id}/comments`, { cookie: blocked.cookie, json: { body: "hi" } }),
      404,
    );
    await expectProblem(await call(`/api/notes/${id}/comments`, { cookie: blocked.cookie }), 404);
    const secret = await note(author, "private");
    await expectProblem(
      await call(`/api/notes/${secret}/comments`, { cookie: fan.cookie, json: { body: "hi" } }),
      404,
    );
    expect(await count("select count(*) as n from comments where author_id = ?", blocked.id)).toBe(0);
  });

  it("a page of 100 threads with their replies loads (thread ids go to D1 as one parameter)", async () => {
    const [author, reader] = await Promise.all([person(), person()]);
    const id = await note(author);
    const now = Date.now();
    const statements = Array.from({ length: 100 }, (_, i) =>
      env.DB.prepare(
        "insert into comments (id, note_id, author_id, body, created_at) values (?, ?, ?, 'thread', ?)",
      ).bind(crypto.randomUUID(), id, author.id, now + i),
    );
    await env.DB.batch(statements);
    const page = await json<{ threads: { id: string; replies: unknown[] }[] }>(
      await call(`/api/notes/${id}/comments?limit=100`, { cookie: reader.cookie }),
    );
    expect(page.threads).toHaveLength(100);
  });

  it("commenting is limited per person: 60 an hour, then 429 with Retry-After", async () => {
    await clearOfWindowEdge(3600_000, 20_000);
    const [author, chatty] = await Promise.all([person(), person()]);
    const id = await note(author);
    for (let i = 0; i < 60; i++) {
      const response = await call(`/api/notes/${id}/comments`, {
        cookie: chatty.cookie,
        json: { body: `#${i}` },
      });
      expect(response.status).toBe(201);
    }
    const over = await call(`/api/notes/${id}/comments`, {
      cookie: chatty.cookie,
      json: { body: "one more" },
    });
    expect((await expectProblem(over, 429)).status).toBe(429);
    expect(over.headers.get("retry-after")).toBeTruthy();
    expect(await count("select comments as n from note_counts where note_id = ?", id)).toBe(60);
    // Sixty-one real requests through the limiter: about 9 s on a busy 2-core machine, past the default 20 s once.
  }, 60_000);
});
