import { env, SELF } from "cloudflare:test";
import { and, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { redisClient } from "../../../worker/src/adapters/store/upstash";
import { createDb } from "../../../worker/src/db/client";
import { DISCOVER_KEYS, syncNote } from "../../../worker/src/link/feeds/services/candidate-sets";
import { timelineKey } from "../../../worker/src/link/feeds/services/timelines";
import { REPORT_THRESHOLD } from "../../../worker/src/link/moderation/services/reports";
import { notes } from "../../../worker/src/link/notes/schema";
import { listedNotes } from "../../../worker/src/link/notes/services/visibility";
import { directRoomId } from "../../../worker/src/realtime/room-protocol";
import { systemContext } from "../../../worker/src/shared/context";
import { adaptersFor } from "../../../worker/src/wiring";
import { call, clearOfWindowEdge, expectProblem, json, ORIGIN, waitFor } from "../../support/http";
import {
  count,
  credibleReporter,
  del,
  follow,
  person as linkPerson,
  type Person,
  type PersonFields,
  put,
  uploadedImage,
} from "../../support/link";

const person = (name?: string, role?: PersonFields["role"]) => linkPerson({ name, role });
const redis = redisClient(env);

/** A note written with raw SQL, so these tests do not depend on image uploads. */
async function note(author: Person, visibility: "public" | "campus" | "followers" | "private" = "public") {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into notes (id, author_id, title, body, visibility, created_at) values (?, ?, 'Cheap textbooks', 'Swap yours at the library #books', ?, ?)",
  )
    .bind(id, author.id, visibility, Date.now())
    .run();
  return id;
}

const get = (path: string, who?: Person) => call(path, who ? { cookie: who.cookie } : {});

interface ReportBody {
  target: "note" | "comment" | "user";
  id: string;
  reason: string;
  detail?: string;
}
const report = (who: Person, body: ReportBody) => call("/api/reports", { cookie: who.cookie, json: body });

async function reported(who: Person, body: ReportBody, status = 201) {
  return (
    await json<{ report: { id: string; target: string; reason: string } }>(await report(who, body), status)
  ).report;
}

const decide = (who: Person, body: { target: string; id: string; action: string }) =>
  call("/api/admin/reports/decision", { cookie: who.cookie, json: body });

async function notificationTypes(who: Person): Promise<string[]> {
  const body = await json<{ notifications: { type: string }[] }>(await get("/api/notifications", who));
  return body.notifications.map((n) => n.type);
}

/** Which of `ids` the shared list rule (feeds, search, topic pages) shows `viewer`. */
async function listedFor(viewer: Person, ids: string[]): Promise<string[]> {
  const rows = await createDb(env.DB)
    .select({ id: notes.id })
    .from(notes)
    .where(
      and(listedNotes({ id: viewer.id, campusId: null, campusVerified: false }), inArray(notes.id, ids)),
    );
  return rows.map((r) => r.id);
}

async function profileGrid(owner: Person, viewer: Person): Promise<string[]> {
  const body = await json<{ notes: { id: string }[] }>(await get(`/api/users/${owner.id}/notes`, viewer));
  return body.notes.map((n) => n.id);
}

interface ReviewItem {
  target: string;
  id: string;
  reports: number;
  reasons: { reason: string; count: number }[];
  details: { reason: string; detail: string }[];
  firstReportedAt: string;
  preview: { title: string | null; text: string; author: { id: string }; hidden: boolean } | null;
}

/** Every item of the admin queue, page by page (other tests' reports are in it too). */
async function wholeQueue(admin: Person, limit = 2): Promise<ReviewItem[]> {
  const items: ReviewItem[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 500; pages++) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page = await json<{ items: ReviewItem[]; nextCursor: string | null }>(
      await get(`/api/admin/reports?limit=${limit}${query}`, admin),
    );
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return items;
  }
  throw new Error("the queue never ended");
}

/** Enough distinct credible reporters to hide a target (see `report-weights.test.ts` for the weights). */
async function hideByReports(target: "note" | "comment", id: string): Promise<Person[]> {
  const reporters = await Promise.all(Array.from({ length: REPORT_THRESHOLD }, () => credibleReporter()));
  for (const reporter of reporters) await reported(reporter, { target, id, reason: "spam" });
  return reporters;
}

describe("reports", () => {
  it(`${REPORT_THRESHOLD} people's reports hide a note from all but its author and admins, and from lists; the author is told`, async () => {
    const [author, first, second, third, bystander, admin] = await Promise.all([
      person("Author"),
      credibleReporter(),
      credibleReporter(),
      credibleReporter(),
      person(),
      person("Admin", "admin"),
    ]);
    const id = await note(author);
    expect(await profileGrid(author, bystander)).toEqual([id]);

    await reported(first, { target: "note", id, reason: "spam", detail: "Same post in ten rooms" });
    expect((await get(`/api/notes/${id}`, bystander)).status).toBe(200);
    // The last two arrive together: the hiding runs in the same batch as each insert, so neither misses it.
    await Promise.all([
      reported(second, { target: "note", id, reason: "misinformation" }),
      reported(third, { target: "note", id, reason: "spam" }),
    ]);

    for (const who of [bystander, first, third]) await expectProblem(await get(`/api/notes/${id}`, who), 404);
    await expectProblem(await get(`/api/notes/${id}`), 404);
    for (const who of [author, admin]) {
      const seen = await json<{ note: { hidden: boolean } }>(await get(`/api/notes/${id}`, who));
      expect(seen.note.hidden).toBe(true);
    }
    expect(await profileGrid(author, bystander)).toEqual([]);
    expect(await profileGrid(author, author)).toEqual([id]);
    expect(await listedFor(bystander, [id])).toEqual([]);
    // Engaging with it is as impossible as seeing it.
    await expectProblem(await put(`/api/notes/${id}/like`, bystander), 404);
    await expectProblem(
      await call(`/api/notes/${id}/comments`, { cookie: bystander.cookie, json: { body: "hi" } }),
      404,
    );
    expect(await notificationTypes(author)).toContain("note.hidden");
  });

  it("reporting again answers 200 with the open report and counts once toward the threshold", async () => {
    const [author, reporter, other, bystander] = await Promise.all([person(), person(), person(), person()]);
    const id = await note(author);
    const once = await reported(reporter, { target: "note", id, reason: "harassment" });
    const again = await reported(reporter, { target: "note", id, reason: "spam" }, 200);
    expect(again).toMatchObject({ id: once.id, reason: "harassment" });
    await reported(other, { target: "note", id, reason: "spam" });
    expect(REPORT_THRESHOLD).toBeGreaterThan(2);
    expect((await get(`/api/notes/${id}`, bystander)).status).toBe(200);
    expect(await count("select count(*) as n from reports where target_id = ?", id)).toBe(2);
  });

  it("refuses reporting yourself, your own post, what you cannot see (404) and bad input", async () => {
    const [me, stranger, blocker, blockedByMe] = await Promise.all([person(), person(), person(), person()]);
    const mine = await note(me);
    const secret = await note(stranger, "private");
    const blockersNote = await note(blocker);
    await put(`/api/blocks/${me.id}`, blocker);
    await put(`/api/blocks/${blockedByMe.id}`, me);

    expect(
      await expectProblem(await report(me, { target: "user", id: me.id, reason: "spam" }), 400),
    ).toMatchObject({ code: "self" });
    await expectProblem(await report(me, { target: "note", id: mine, reason: "spam" }), 400);
    await expectProblem(await report(me, { target: "note", id: secret, reason: "spam" }), 404);
    await expectProblem(await report(me, { target: "note", id: crypto.randomUUID(), reason: "spam" }), 404);
    await expectProblem(await report(me, { target: "note", id: blockersNote, reason: "spam" }), 404);
    await expectProblem(await report(me, { target: "user", id: blocker.id, reason: "harassment" }), 404);
    await expectProblem(await report(me, { target: "user", id: crypto.randomUUID(), reason: "spam" }), 404);
    await expectProblem(
      await report(me, { target: "comment", id: crypto.randomUUID(), reason: "spam" }),
      404,
    );
    // Someone you blocked can still be reported: block-then-report is a common order.
    await reported(me, { target: "user", id: blockedByMe.id, reason: "harassment" });

    const open = await note(stranger);
    await expectProblem(await report(me, { target: "note", id: open, reason: "rude" }), 400);
    await expectProblem(await report(me, { target: "note", id: "not-a-uuid", reason: "spam" }), 400);
    await expectProblem(
      await report(me, { target: "note", id: open, reason: "other", detail: "x".repeat(501) }),
      400,
    );
    await expectProblem(
      await call("/api/reports", { json: { target: "note", id: open, reason: "spam" } }),
      401,
    );
    await expectProblem(
      await call("/api/reports", {
        cookie: me.cookie,
        noCsrf: true,
        json: { target: "note", id: open, reason: "spam" },
      }),
      403,
    );
    expect(await count("select count(*) as n from reports where reporter_id = ?", me.id)).toBe(1);
  });

  it("a comment past the threshold is hidden but from its author and admins; restoring brings it back", async () => {
    const [author, commenter, reader, admin] = await Promise.all([
      person(),
      person("Commenter"),
      person(),
      person("Admin", "admin"),
    ]);
    const id = await note(author);
    const { comment } = await json<{ comment: { id: string } }>(
      await call(`/api/notes/${id}/comments`, {
        cookie: commenter.cookie,
        json: { body: "Buy followers here" },
      }),
      201,
    );
    const threadIds = async (who: Person) =>
      (
        await json<{ threads: { id: string; hidden: boolean }[] }>(
          await get(`/api/notes/${id}/comments`, who),
        )
      ).threads;
    expect((await threadIds(reader)).map((c) => c.id)).toEqual([comment.id]);
    const comments = () => count("select comments as n from note_counts where note_id = ?", id);
    expect(await comments()).toBe(1);

    await hideByReports("comment", comment.id);
    // Counts are of what readers can see: a hidden comment leaves the note's count.
    expect(await comments()).toBe(0);
    expect(await threadIds(reader)).toEqual([]);
    expect(await threadIds(author)).toEqual([]);
    expect(await threadIds(commenter)).toEqual([expect.objectContaining({ id: comment.id, hidden: true })]);
    expect(await threadIds(admin)).toEqual([expect.objectContaining({ id: comment.id, hidden: true })]);
    await expectProblem(await put(`/api/comments/${comment.id}/like`, reader), 404);
    await expectProblem(
      await call(`/api/notes/${id}/comments`, {
        cookie: reader.cookie,
        json: { body: "reply", parentId: comment.id },
      }),
      404,
    );
    await expectProblem(await report(reader, { target: "comment", id: comment.id, reason: "spam" }), 404);
    expect(await notificationTypes(commenter)).toContain("comment.hidden");

    expect(await json(await decide(admin, { target: "comment", id: comment.id, action: "restore" }))).toEqual(
      {
        resolved: REPORT_THRESHOLD,
      },
    );
    expect(await threadIds(reader)).toEqual([expect.objectContaining({ id: comment.id, hidden: false })]);
    expect(await comments()).toBe(1);
    expect(await notificationTypes(commenter)).toContain("comment.restored");
  });

  it("a reported person goes to the queue with no automatic action; reports about people can only be dismissed", async () => {
    const [target, admin, bystander] = await Promise.all([
      person("Loud Person"),
      person("Admin", "admin"),
      person(),
    ]);
    const reporters = await Promise.all(Array.from({ length: REPORT_THRESHOLD + 1 }, () => person()));
    for (const reporter of reporters)
      await reported(reporter, { target: "user", id: target.id, reason: "harassment" });
    const targetNote = await note(target);
    expect((await get(`/api/notes/${targetNote}`, bystander)).status).toBe(200);

    const item = (await wholeQueue(admin, 50)).find((i) => i.id === target.id);
    expect(item).toMatchObject({
      target: "user",
      reports: REPORT_THRESHOLD + 1,
      reasons: [{ reason: "harassment", count: REPORT_THRESHOLD + 1 }],
      preview: { title: "Loud Person", author: { id: target.id }, hidden: false },
    });
    await expectProblem(await decide(admin, { target: "user", id: target.id, action: "remove" }), 400);
    await expectProblem(await decide(admin, { target: "user", id: target.id, action: "restore" }), 400);
    expect(await json(await decide(admin, { target: "user", id: target.id, action: "dismiss" }))).toEqual({
      resolved: REPORT_THRESHOLD + 1,
    });
    expect((await wholeQueue(admin, 50)).some((i) => i.id === target.id)).toBe(false);
    expect(await count("select count(*) as n from users where id = ?", target.id)).toBe(1);
  });
});

describe("the admin review queue", () => {
  it("groups open reports per target with count, reasons, details and a preview, oldest first, in pages", async () => {
    const [author, admin, a, b] = await Promise.all([
      person("Queue Author"),
      person("Admin", "admin"),
      person(),
      person(),
    ]);
    const older = await note(author);
    const newer = await note(author);
    await reported(a, { target: "note", id: older, reason: "spam", detail: "Posted <b>twice</b>" });
    await reported(b, { target: "note", id: older, reason: "misinformation" });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await reported(a, { target: "note", id: newer, reason: "inappropriate" });

    const queue = await wholeQueue(admin, 2);
    const ids = queue.map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.indexOf(older)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(older)).toBeLessThan(ids.indexOf(newer));
    const times = queue.map((i) => Date.parse(i.firstReportedAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(queue.find((i) => i.id === older)).toMatchObject({
      target: "note",
      reports: 2,
      reasons: [
        { reason: "spam", count: 1 },
        { reason: "misinformation", count: 1 },
      ],
      details: [{ reason: "spam", detail: "Posted <b>twice</b>" }],
      preview: {
        title: "Cheap textbooks",
        text: "Swap yours at the library #books",
        author: { id: author.id },
        hidden: false,
      },
    });
    await expectProblem(await get("/api/admin/reports?cursor=nonsense", admin), 400);
  });

  it("restore unhides the note and closes its reports; the author is told; new reports start over", async () => {
    const [author, admin, bystander] = await Promise.all([person(), person("Admin", "admin"), person()]);
    const id = await note(author);
    await hideByReports("note", id);
    await expectProblem(await get(`/api/notes/${id}`, bystander), 404);
    expect((await wholeQueue(admin, 50)).find((i) => i.id === id)?.preview?.hidden).toBe(true);

    expect(await json(await decide(admin, { target: "note", id, action: "restore" }))).toEqual({
      resolved: REPORT_THRESHOLD,
    });
    expect((await get(`/api/notes/${id}`, bystander)).status).toBe(200);
    expect(await profileGrid(author, bystander)).toEqual([id]);
    expect(await listedFor(bystander, [id])).toEqual([id]);
    expect(
      await count("select count(*) as n from reports where target_id = ? and decision = 'restore'", id),
    ).toBe(REPORT_THRESHOLD);
    expect(await notificationTypes(author)).toContain("note.restored");
    expect((await wholeQueue(admin, 50)).some((i) => i.id === id)).toBe(false);
    // Deciding again finds nothing open.
    await expectProblem(await decide(admin, { target: "note", id, action: "restore" }), 404);
    // One fresh report does not hide it again: the count starts over.
    await reported(bystander, { target: "note", id, reason: "spam" });
    expect((await get(`/api/notes/${id}`, bystander)).status).toBe(200);
  });

  it("a hidden note leaves the discovery sets at once; restored, it returns to them and to a follower's timeline", async () => {
    const [author, admin, fan] = await Promise.all([person(), person("Admin", "admin"), person()]);
    await follow(fan, author);
    await env.DB.prepare("insert into feed_activity (user_id, active_at) values (?, ?)")
      .bind(fan.id, Date.now())
      .run();
    const id = await note(author);
    await syncNote(systemContext(env, adaptersFor(env)), id); // placed as its post would have placed it
    const inDiscovery = () => redis.zscore(DISCOVER_KEYS.all, id);
    const inTimeline = () => redis.zscore(timelineKey(fan.id), id);
    expect(await inDiscovery()).not.toBeNull();

    await hideByReports("note", id);
    await waitFor("the hidden note leaving disc:all", inDiscovery, (score) => score === null);
    expect(await inTimeline()).toBeNull();

    await json(await decide(admin, { target: "note", id, action: "restore" }));
    await waitFor("the restored note back in disc:all", inDiscovery, (score) => score !== null);
    await waitFor("the restored note in the follower's timeline", inTimeline, (score) => score !== null);
  });

  it("remove deletes the note for good; dismiss closes the reports and changes nothing", async () => {
    const [author, admin] = await Promise.all([person(), person("Admin", "admin")]);
    const removed = await note(author);
    const kept = await note(author);
    await hideByReports("note", removed);
    await hideByReports("note", kept);

    expect(await json(await decide(admin, { target: "note", id: removed, action: "remove" }))).toEqual({
      resolved: REPORT_THRESHOLD,
    });
    expect(await count("select count(*) as n from notes where id = ?", removed)).toBe(0);
    await expectProblem(await get(`/api/notes/${removed}`, author), 404);
    expect(await notificationTypes(author)).toContain("note.removed");

    expect(await json(await decide(admin, { target: "note", id: kept, action: "dismiss" }))).toEqual({
      resolved: REPORT_THRESHOLD,
    });
    const still = await json<{ note: { hidden: boolean } }>(await get(`/api/notes/${kept}`, author));
    expect(still.note.hidden).toBe(true);
    expect(
      await count("select count(*) as n from reports where target_id = ? and resolved_at is null", kept),
    ).toBe(0);
    await expectProblem(
      await decide(admin, { target: "note", id: crypto.randomUUID(), action: "dismiss" }),
      404,
    );
    await expectProblem(await decide(admin, { target: "note", id: kept, action: "erase" }), 400);
  });

  it("a reported comment can be removed; a note deleted by its author shows as gone and can be dismissed", async () => {
    const [author, commenter, admin] = await Promise.all([person(), person(), person("Admin", "admin")]);
    const id = await note(author);
    const { comment } = await json<{ comment: { id: string } }>(
      await call(`/api/notes/${id}/comments`, { cookie: commenter.cookie, json: { body: "spam spam" } }),
      201,
    );
    await hideByReports("comment", comment.id);
    expect(await json(await decide(admin, { target: "comment", id: comment.id, action: "remove" }))).toEqual({
      resolved: REPORT_THRESHOLD,
    });
    expect(
      await count("select count(*) as n from comments where id = ? and deleted_at is not null", comment.id),
    ).toBe(1);

    const gone = await note(author);
    const reporter = await person();
    await reported(reporter, { target: "note", id: gone, reason: "spam" });
    expect((await del(`/api/notes/${gone}`, author)).status).toBe(204);
    expect((await wholeQueue(admin, 50)).find((i) => i.id === gone)?.preview).toBeNull();
    expect(await json(await decide(admin, { target: "note", id: gone, action: "dismiss" }))).toEqual({
      resolved: 1,
    });
  });

  it("is for admins only: a student gets 403, a visitor 401", async () => {
    const [student, author] = await Promise.all([person(), person()]);
    const id = await note(author);
    await hideByReports("note", id);
    await expectProblem(await get("/api/admin/reports", student), 403);
    await expectProblem(await get("/api/admin/reports"), 401);
    await expectProblem(await decide(student, { target: "note", id, action: "restore" }), 403);
    await expectProblem(
      await call("/api/admin/reports/decision", { json: { target: "note", id, action: "restore" } }),
      401,
    );
    await expectProblem(await get(`/api/notes/${id}`, student), 404);
    expect(
      await count("select count(*) as n from reports where target_id = ? and resolved_at is null", id),
    ).toBe(REPORT_THRESHOLD);
  });
});

describe("mute", () => {
  it("takes the muted person's notes out of your lists, privately; unmute brings them back", async () => {
    const [me, loud, other] = await Promise.all([person(), person("Loud"), person()]);
    const [theirs, others] = [await note(loud), await note(other)];
    expect((await listedFor(me, [theirs, others])).sort()).toEqual([theirs, others].sort());

    expect((await call(`/api/users/${loud.id}/mute`, { method: "POST", cookie: me.cookie })).status).toBe(
      204,
    );
    expect((await call(`/api/users/${loud.id}/mute`, { method: "POST", cookie: me.cookie })).status).toBe(
      204,
    );
    expect(await listedFor(me, [theirs, others])).toEqual([others]);
    // Only for the one who muted; the muted person is not stopped or told.
    expect((await listedFor(other, [theirs, others])).sort()).toEqual([theirs, others].sort());
    expect((await get(`/api/notes/${theirs}`, me)).status).toBe(200);
    expect(await notificationTypes(loud)).toEqual([]);
    const list = await json<{ users: { id: string; displayName: string }[] }>(await get("/api/mutes", me));
    expect(list.users).toEqual([expect.objectContaining({ id: loud.id, displayName: "Loud" })]);

    expect((await del(`/api/users/${loud.id}/mute`, me)).status).toBe(204);
    expect((await listedFor(me, [theirs, others])).sort()).toEqual([theirs, others].sort());
    expect((await json<{ users: unknown[] }>(await get("/api/mutes", me))).users).toEqual([]);
  });

  it("refuses muting yourself or nobody, and visitors", async () => {
    const me = await person();
    await expectProblem(await call(`/api/users/${me.id}/mute`, { method: "POST", cookie: me.cookie }), 400);
    await expectProblem(
      await call(`/api/users/${crypto.randomUUID()}/mute`, { method: "POST", cookie: me.cookie }),
      404,
    );
    await expectProblem(await call(`/api/users/not-a-uuid/mute`, { method: "POST", cookie: me.cookie }), 400);
    await expectProblem(await call(`/api/users/${me.id}/mute`, { method: "POST" }), 401);
  });
});

async function postWithMention(author: Person, mentioned: string) {
  const image = await uploadedImage(author);
  const { note: posted } = await json<{ note: { id: string; mentions: { id: string }[] } }>(
    await call("/api/notes", {
      cookie: author.cookie,
      json: { title: "Hi", body: "@you", visibility: "public", imageIds: [image], mentions: [mentioned] },
    }),
    201,
  );
  return posted;
}

describe("block effects in atas-link", () => {
  it("either way: no likes, collects, comments or replies (404); follows end and are refused", async () => {
    const [me, blocked, friend] = await Promise.all([person(), person(), person()]);
    const mine = await note(me);
    const { comment } = await json<{ comment: { id: string } }>(
      await call(`/api/notes/${mine}/comments`, { cookie: me.cookie, json: { body: "Mine" } }),
      201,
    );
    const theirs = await note(blocked);
    expect((await put(`/api/follows/${me.id}`, blocked)).status).toBe(200);
    expect((await put(`/api/follows/${blocked.id}`, me)).status).toBe(200);
    const board = await json<{ id: string }>(
      await call("/api/boards", { cookie: blocked.cookie, json: { name: "Saved" } }),
      201,
    );
    const myBoard = await json<{ id: string }>(
      await call("/api/boards", { cookie: me.cookie, json: { name: "Mine" } }),
      201,
    );

    expect((await put(`/api/blocks/${blocked.id}`, me)).status).toBe(204);
    expect(
      await count(
        "select count(*) as n from follows where (follower_id = ? and followee_id = ?) or (follower_id = ? and followee_id = ?)",
        me.id,
        blocked.id,
        blocked.id,
        me.id,
      ),
    ).toBe(0);

    // The blocked person on my things…
    await expectProblem(await put(`/api/notes/${mine}/like`, blocked), 404);
    await expectProblem(await put(`/api/boards/${board.id}/notes/${mine}`, blocked), 404);
    await expectProblem(
      await call(`/api/notes/${mine}/comments`, { cookie: blocked.cookie, json: { body: "hey" } }),
      404,
    );
    await expectProblem(
      await call(`/api/notes/${mine}/comments`, {
        cookie: blocked.cookie,
        json: { body: "hey", parentId: comment.id },
      }),
      404,
    );
    await expectProblem(await put(`/api/comments/${comment.id}/like`, blocked), 404);
    await expectProblem(await put(`/api/follows/${me.id}`, blocked), 404);
    // …and the other way round: I cannot reach theirs either.
    await expectProblem(await put(`/api/notes/${theirs}/like`, me), 404);
    await expectProblem(await put(`/api/boards/${myBoard.id}/notes/${theirs}`, me), 404);
    await expectProblem(await put(`/api/follows/${blocked.id}`, me), 404);
    expect(
      await count("select count(*) as n from note_likes where user_id in (?, ?)", me.id, blocked.id),
    ).toBe(0);
    expect(await count("select count(*) as n from comments where author_id = ?", blocked.id)).toBe(0);
    // A third person is unaffected.
    expect((await put(`/api/notes/${mine}/like`, friend)).status).toBe(200);
  });

  it("their notes leave my lists and profile grid; mentions of me are dropped", async () => {
    const [me, blocked, bystander] = await Promise.all([person(), person(), person()]);
    const theirs = await note(blocked);
    const mine = await note(me);
    expect(await profileGrid(blocked, me)).toEqual([theirs]);
    expect(await listedFor(me, [theirs, mine])).toHaveLength(2);

    expect((await put(`/api/blocks/${blocked.id}`, me)).status).toBe(204);
    expect(await listedFor(me, [theirs, mine])).toEqual([mine]);
    expect(await listedFor(blocked, [theirs, mine])).toEqual([theirs]);
    await expectProblem(await get(`/api/users/${blocked.id}/notes`, me), 404);
    await expectProblem(await get(`/api/users/${me.id}/notes`, blocked), 404);
    expect(await listedFor(bystander, [theirs, mine])).toHaveLength(2);

    const posted = await postWithMention(blocked, me.id);
    expect(posted.mentions).toEqual([]);
    expect(await count("select count(*) as n from note_mentions where note_id = ?", posted.id)).toBe(0);
    expect(await notificationTypes(me)).not.toContain("note.mention");
  });

  it("no direct messages either way: an open DM socket is closed; the room, message requests and new sockets are refused", async () => {
    const [me, blocked] = await Promise.all([person(), person()]);
    // Following each other connects them, which lets them write directly.
    await put(`/api/follows/${me.id}`, blocked);
    await put(`/api/follows/${blocked.id}`, me);
    const opened = await json<{ id: string }>(
      await call("/api/rooms/dm", { cookie: me.cookie, json: { userId: blocked.id } }),
    );
    expect(opened.id).toBe(directRoomId(me.id, blocked.id));
    // A socket already open when the block comes is closed by it.
    const live = await SELF.fetch(`${ORIGIN}/api/rooms/${opened.id}/ws`, {
      headers: { upgrade: "websocket", origin: ORIGIN, cookie: blocked.cookie },
    });
    const socket = live.webSocket;
    if (!socket) throw new Error(`no socket: ${live.status}`);
    socket.accept();
    const closed = new Promise<number>((resolve) =>
      socket.addEventListener("close", (event) => resolve(event.code)),
    );

    expect((await put(`/api/blocks/${blocked.id}`, me)).status).toBe(204);
    expect(await closed).toBe(4403);
    for (const [from, to] of [
      [blocked, me],
      [me, blocked],
    ] as const) {
      await expectProblem(await call("/api/rooms/dm", { cookie: from.cookie, json: { userId: to.id } }), 404);
      await expectProblem(
        await call("/api/message-requests", {
          cookie: from.cookie,
          json: { toUserId: to.id, text: "please" },
        }),
        404,
      );
      const socket = await SELF.fetch(`${ORIGIN}/api/rooms/${opened.id}/ws`, {
        headers: { upgrade: "websocket", origin: ORIGIN, cookie: from.cookie },
      });
      await expectProblem(socket, 404);
    }
  });
});

describe("rate limits", () => {
  it("reporting is limited per person: 30 an hour, then 429 with Retry-After", async () => {
    await clearOfWindowEdge(3600_000, 20_000);
    const [reporter, target] = await Promise.all([person(), person()]);
    // Repeats count too: the limit is on asking, so a script cannot hammer the endpoint.
    expect((await report(reporter, { target: "user", id: target.id, reason: "spam" })).status).toBe(201);
    for (let i = 1; i < 30; i++)
      expect((await report(reporter, { target: "user", id: target.id, reason: "spam" })).status).toBe(200);
    const over = await report(reporter, { target: "user", id: target.id, reason: "spam" });
    expect(await expectProblem(over, 429)).toMatchObject({ code: "reports" });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
