import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, signUp, uniqueEmail } from "../../support/http";
import { png } from "../../support/link";

/** A JPEG: SOI, a JFIF APP0 segment, then a baseline start-of-frame giving `width`×`height`. */
function jpeg(width: number, height: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0,
    16,
    0x4a,
    0x46,
    0x49,
    0x46,
    0,
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
    0xff,
    0xc0,
    0,
    17,
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
    0xff,
    0xd9,
  ]);
}

type Image = {
  id: string;
  width: number | null;
  height: number | null;
  displayUrl: string;
  originalUrl: string;
};
type Note = {
  id: string;
  title: string;
  body: string;
  topics: string[];
  mentions: { id: string; displayName: string }[];
  visibility: string;
  campusId: string | null;
  images: Image[];
  editedAt: string | null;
  author: { id: string };
};
type User = Awaited<ReturnType<typeof signUp>>;

function form(original: Uint8Array<ArrayBuffer>, display?: Uint8Array<ArrayBuffer>, type = "image/png") {
  const body = new FormData();
  body.append("original", new File([original], "photo", { type }));
  if (display) body.append("display", new File([display], "photo-small", { type }));
  return body;
}

async function upload(
  user: User,
  original: Uint8Array<ArrayBuffer>,
  display?: Uint8Array<ArrayBuffer>,
): Promise<Image> {
  const response = await call("/api/note-images", { cookie: user.cookie, body: form(original, display) });
  if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { image: Image }).image;
}

async function post(user: User, fields: Record<string, unknown> = {}): Promise<Note> {
  const image = await upload(user, png(2, 2));
  const response = await call("/api/notes", {
    cookie: user.cookie,
    json: { title: "A note", body: "text", visibility: "public", imageIds: [image.id], ...fields },
  });
  if (response.status !== 201) throw new Error(`post: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { note: Note }).note;
}

const read = (id: string, user?: User) => call(`/api/notes/${id}`, user ? { cookie: user.cookie } : {});

describe("notes", () => {
  it("posts a note with two images and reads it back with topics and mentions", async () => {
    const [author, friend] = await Promise.all([
      signUp({ displayName: "Mei" }),
      signUp({ displayName: "Farid" }),
    ]);
    const first = await upload(author, png(1200, 800), png(600, 400));
    const second = await upload(author, jpeg(640, 480));
    expect(first).toMatchObject({ width: 1200, height: 800 });
    expect(second).toMatchObject({ width: 640, height: 480 });

    const response = await call("/api/notes", {
      cookie: author.cookie,
      json: {
        title: "Nasi lemak near campus",
        body: "Best in KL #Food #KL_eats #food with @Farid",
        imageIds: [second.id, first.id],
        visibility: "public",
        mentions: [friend.id],
      },
    });
    expect(response.status).toBe(201);
    const { note } = (await response.json()) as { note: Note };
    expect(note.topics).toEqual(["food", "kl_eats"]);
    expect(note.mentions).toEqual([{ id: friend.id, displayName: "Farid" }]);
    expect(note.images.map((i) => i.id)).toEqual([second.id, first.id]);
    expect(note.editedAt).toBeNull();

    const again = (await (await read(note.id, friend)).json()) as { note: Note };
    expect(again.note).toEqual(note);
    const anonymous = await read(note.id);
    expect(anonymous.status).toBe(200);

    const topics = await env.DB.prepare("select topic from note_topics where note_id = ? order by topic")
      .bind(note.id)
      .all<{ topic: string }>();
    expect(topics.results.map((r) => r.topic)).toEqual(["food", "kl_eats"]);
    // The mentioned person is told.
    const told = await env.DB.prepare(
      "select text from notifications where user_id = ? and type = 'note.mention'",
    )
      .bind(friend.id)
      .first<{ text: string }>();
    expect(told?.text).toBe('Mei mentioned you in "Nasi lemak near campus".');
  });

  it("serves images with their sniffed type, nosniff, inline and a long cache, never as HTML", async () => {
    const author = await signUp();
    const original = jpeg(100, 50);
    const display = png(50, 25);
    const image = await upload(author, original, display);
    const note = await post(author, { imageIds: [image.id] });
    const served = note.images[0];
    if (!served) throw new Error("no image");

    const big = await call(served.originalUrl);
    expect(big.status).toBe(200);
    expect(big.headers.get("content-type")).toBe("image/jpeg");
    expect(big.headers.get("x-content-type-options")).toBe("nosniff");
    expect(big.headers.get("content-disposition")).toBe("inline");
    expect(big.headers.get("cache-control")).toContain("max-age=31536000");
    expect(big.headers.get("content-security-policy")).toContain("sandbox");
    expect(new Uint8Array(await big.arrayBuffer())).toEqual(original);

    const small = await call(served.displayUrl);
    expect(small.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await small.arrayBuffer())).toEqual(display);

    await expectProblem(await call(`/api/note-images/${image.id}/page.html`), 400);
  });

  it("refuses non-images by their bytes (415), oversized files (413) and bad uploads", async () => {
    const user = await signUp();
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    const problem = await expectProblem(
      await call("/api/note-images", { cookie: user.cookie, body: form(html, undefined, "image/png") }),
      415,
    );
    expect(problem.title).toBe("Unsupported media type");
    // A real display version does not launder an HTML original, nor the other way round.
    await expectProblem(
      await call("/api/note-images", { cookie: user.cookie, body: form(html, png(1, 1)) }),
      415,
    );
    await expectProblem(
      await call("/api/note-images", { cookie: user.cookie, body: form(png(1, 1), html) }),
      415,
    );

    const overOriginal = png(4000, 3000, 5 * 1024 * 1024);
    await expectProblem(
      await call("/api/note-images", { cookie: user.cookie, body: form(overOriginal, png(400, 300)) }),
      413,
    );
    const overDisplay = png(400, 300, 500 * 1024);
    await expectProblem(
      await call("/api/note-images", { cookie: user.cookie, body: form(png(4000, 3000), overDisplay) }),
      413,
    );
    // Far beyond both: stopped by the route's body limit before anything is read.
    await expectProblem(
      await call("/api/note-images", { cookie: user.cookie, body: form(png(1, 1, 7 * 1024 * 1024)) }),
      413,
    );
    // A large original needs a display version; a 5 MB original with a small one is fine.
    await expectProblem(
      await call("/api/note-images", { cookie: user.cookie, body: form(png(4000, 3000, 600 * 1024)) }),
      400,
    );
    const stored = await upload(user, png(4000, 3000, 5 * 1024 * 1024 - 64), png(400, 300));
    expect(stored.width).toBe(4000);
    await expectProblem(await call("/api/note-images", { body: form(png(1, 1)) }), 401);
  });

  it("needs 1 to 9 images, each the author's own and not on another note", async () => {
    const [author, other] = await Promise.all([signUp(), signUp()]);
    const base = { title: "Images", body: "", visibility: "public" };
    await expectProblem(
      await call("/api/notes", { cookie: author.cookie, json: { ...base, imageIds: [] } }),
      400,
    );
    const ten = await Promise.all(Array.from({ length: 10 }, () => upload(author, png(1, 1))));
    await expectProblem(
      await call("/api/notes", { cookie: author.cookie, json: { ...base, imageIds: ten.map((i) => i.id) } }),
      400,
    );
    const nine = ten.slice(0, 9).map((i) => i.id);
    const ok = await call("/api/notes", { cookie: author.cookie, json: { ...base, imageIds: nine } });
    expect(ok.status).toBe(201);
    // Already attached.
    await expectProblem(
      await call("/api/notes", { cookie: author.cookie, json: { ...base, imageIds: [nine[0]] } }),
      400,
    );
    // Someone else's upload.
    const theirs = await upload(other, png(1, 1));
    await expectProblem(
      await call("/api/notes", { cookie: author.cookie, json: { ...base, imageIds: [theirs.id] } }),
      400,
    );
    // An unattached upload is its owner's alone.
    expect((await call(theirs.displayUrl, { cookie: other.cookie })).status).toBe(200);
    await expectProblem(await call(theirs.displayUrl, { cookie: author.cookie }), 404);
    // Title bounds.
    const last = ten[9]?.id;
    await expectProblem(
      await call("/api/notes", { cookie: author.cookie, json: { ...base, title: " ", imageIds: [last] } }),
      400,
    );
    await expectProblem(
      await call("/api/notes", {
        cookie: author.cookie,
        json: { ...base, title: "x".repeat(101), imageIds: [last] },
      }),
      400,
    );
    await expectProblem(
      await call("/api/notes", {
        cookie: author.cookie,
        json: { ...base, body: "x".repeat(2001), imageIds: [last] },
      }),
      400,
    );
  });

  it("shows public, campus, followers and private notes to the right people only", async () => {
    const [author, classmate, elsewhere, follower, stranger, noCampus] = await Promise.all([
      signUp({ email: uniqueEmail("author", "siswa.um.edu.my") }),
      signUp({ email: uniqueEmail("classmate", "siswa.um.edu.my") }),
      signUp({ email: uniqueEmail("elsewhere", "ukm.edu.my") }),
      signUp(),
      signUp(),
      signUp(),
    ]);
    await env.DB.prepare("insert into follows (follower_id, followee_id, created_at) values (?, ?, ?)")
      .bind(follower.id, author.id, Date.now())
      .run();

    const pub = await post(author, { visibility: "public" });
    const campus = await post(author, { visibility: "campus" });
    const followers = await post(author, { visibility: "followers" });
    const secret = await post(author, { visibility: "private" });
    expect(campus.campusId).toBe("um");

    const sees = async (user: User | undefined, note: Note) => (await read(note.id, user)).status;
    expect(await sees(undefined, pub)).toBe(200);
    expect(await sees(author, secret)).toBe(200);
    expect(await sees(classmate, campus)).toBe(200);
    expect(await sees(elsewhere, campus)).toBe(404);
    expect(await sees(undefined, campus)).toBe(404);
    expect(await sees(follower, followers)).toBe(200);
    expect(await sees(stranger, followers)).toBe(404);
    expect(await sees(classmate, followers)).toBe(404);
    for (const user of [classmate, follower, stranger]) expect(await sees(user, secret)).toBe(404);
    // Hidden notes hide their images too.
    const image = secret.images[0]?.displayUrl ?? "";
    expect((await call(image, { cookie: author.cookie })).status).toBe(200);
    await expectProblem(await call(image, { cookie: stranger.cookie }), 404);

    const list = async (user: User | undefined) => {
      const response = await call(`/api/users/${author.id}/notes`, user ? { cookie: user.cookie } : {});
      return ((await response.json()) as { notes: Note[] }).notes.map((n) => n.id);
    };
    expect(await list(author)).toEqual([secret.id, followers.id, campus.id, pub.id]);
    expect(await list(follower)).toEqual([followers.id, pub.id]);
    expect(await list(classmate)).toEqual([campus.id, pub.id]);
    expect(await list(undefined)).toEqual([pub.id]);

    const image2 = await upload(noCampus, png(1, 1));
    await expectProblem(
      await call("/api/notes", {
        cookie: noCampus.cookie,
        json: { title: "t", body: "", visibility: "campus", imageIds: [image2.id] },
      }),
      400,
    );

    // A campus typed into a profile, not proven by a campus e-mail, opens nothing and posts nothing.
    await env.DB.prepare("update users set campus_id = 'um', campus_verified = 0 where id = ?")
      .bind(noCampus.id)
      .run();
    expect(await sees(noCampus, campus)).toBe(404);
    expect(await list(noCampus)).toEqual([pub.id]);
    // Nor through an edit: a public note keeps no typed-in campus, and cannot be made campus-only.
    const open = await post(noCampus, { visibility: "public" });
    expect(open.campusId).toBeNull();
    await expectProblem(
      await call(`/api/notes/${open.id}`, {
        method: "PATCH",
        cookie: noCampus.cookie,
        json: { visibility: "campus" },
      }),
      400,
    );
    await expectProblem(
      await call("/api/notes", {
        cookie: noCampus.cookie,
        json: { title: "t", body: "", visibility: "campus", imageIds: [image2.id] },
      }),
      400,
    );
  }, 20_000);

  it("hides notes between blocked users either way", async () => {
    const [author, blocked, blocker] = await Promise.all([signUp(), signUp(), signUp()]);
    const note = await post(author);
    const block = (a: User, b: User) =>
      env.DB.prepare("insert into blocks (blocker_id, blocked_id, created_at) values (?, ?, ?)")
        .bind(a.id, b.id, Date.now())
        .run();
    await block(author, blocked);
    await block(blocker, author);
    for (const user of [blocked, blocker]) {
      await expectProblem(await read(note.id, user), 404);
      await expectProblem(await call(note.images[0]?.displayUrl ?? "", { cookie: user.cookie }), 404);
      await expectProblem(await call(`/api/users/${author.id}/notes`, { cookie: user.cookie }), 404);
    }
    // A blocked user cannot be mentioned: the mention is dropped.
    const mentioning = await post(author, { mentions: [blocked.id] });
    expect(mentioning.mentions).toEqual([]);
  });

  it("lets the author edit, marking the note edited and parsing topics again", async () => {
    const [author, other] = await Promise.all([signUp(), signUp()]);
    const note = await post(author, { body: "#old topic" });
    expect(note.topics).toEqual(["old"]);
    const response = await call(`/api/notes/${note.id}`, {
      method: "PATCH",
      cookie: author.cookie,
      json: { title: "Edited", body: "now #New and #另一个 #new", mentions: [other.id] },
    });
    expect(response.status).toBe(200);
    const { note: edited } = (await response.json()) as { note: Note };
    expect(edited.title).toBe("Edited");
    expect(edited.topics).toEqual(["new", "另一个"]);
    expect(edited.mentions.map((m) => m.id)).toEqual([other.id]);
    expect(edited.editedAt).not.toBeNull();
    const rows = await env.DB.prepare("select topic from note_topics where note_id = ?").bind(note.id).all();
    expect(rows.results).toHaveLength(2);

    await expectProblem(
      await call(`/api/notes/${note.id}`, { method: "PATCH", cookie: other.cookie, json: { title: "Mine" } }),
      403,
    );
    const secret = await post(author, { visibility: "private" });
    await expectProblem(
      await call(`/api/notes/${secret.id}`, {
        method: "PATCH",
        cookie: other.cookie,
        json: { title: "Mine" },
      }),
      404,
    );
    await expectProblem(
      await call(`/api/notes/${note.id}`, { method: "PATCH", json: { title: "Anyone" } }),
      401,
    );
  });

  it("deletes a note with its rows and its images in R2, for the author or an admin", async () => {
    const [author, other, mentioned, admin] = await Promise.all([signUp(), signUp(), signUp(), signUp()]);
    const image = await upload(author, png(10, 10), png(5, 5));
    const note = await post(author, { imageIds: [image.id], body: "#gone", mentions: [mentioned.id] });
    const stored = await env.DB.prepare("select key, display_key from note_images where id = ?")
      .bind(image.id)
      .first<{ key: string; display_key: string }>();
    if (!stored) throw new Error("no image row");
    expect(await env.UPLOADS.head(stored.key)).not.toBeNull();

    await expectProblem(await call(`/api/notes/${note.id}`, { method: "DELETE", cookie: other.cookie }), 403);
    const gone = await call(`/api/notes/${note.id}`, { method: "DELETE", cookie: author.cookie });
    expect(gone.status).toBe(204);
    await expectProblem(await read(note.id, author), 404);
    await expectProblem(await call(image.originalUrl, { cookie: author.cookie }), 404);
    expect(await env.UPLOADS.head(stored.key)).toBeNull();
    expect(await env.UPLOADS.head(stored.display_key)).toBeNull();
    for (const table of [
      "notes where id",
      "note_topics where note_id",
      "note_mentions where note_id",
      "note_images where note_id",
    ]) {
      const row = await env.DB.prepare(`select count(*) as n from ${table} = ?`)
        .bind(note.id)
        .first<{ n: number }>();
      expect(row?.n).toBe(0);
    }

    await env.DB.prepare("update users set role = 'admin' where id = ?").bind(admin.id).run();
    const secret = await post(author, { visibility: "private" });
    expect((await call(`/api/notes/${secret.id}`, { method: "DELETE", cookie: admin.cookie })).status).toBe(
      204,
    );
    await expectProblem(await read(secret.id, author), 404);
  });

  it("lists the author's notes newest first with a cursor", async () => {
    const author = await signUp();
    const posted: Note[] = [];
    for (let i = 0; i < 5; i++) posted.push(await post(author, { title: `Note ${i}` }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const response = await call(`/api/users/${author.id}/notes${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { notes: Note[]; nextCursor: string | null };
      expect(page.notes.length).toBeLessThanOrEqual(2);
      seen.push(...page.notes.map((n) => n.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Note 4", "Note 3", "Note 2", "Note 1", "Note 0"]);
    await expectProblem(await call(`/api/users/${author.id}/notes?cursor=nonsense`), 400);
    await expectProblem(await call(`/api/users/${crypto.randomUUID()}/notes`), 404);
  });

  it("returns hostile bodies as plain text, untouched", async () => {
    const author = await signUp();
    const body = `<script>alert("x")</script> <img src=x onerror=alert(1)> &#35;not #real`;
    const note = await post(author, { title: "<b>bold?</b>", body });
    const response = await read(note.id);
    expect(response.headers.get("content-type")).toContain("application/json");
    const { note: back } = (await response.json()) as { note: Note };
    expect(back.body).toBe(body);
    expect(back.title).toBe("<b>bold?</b>");
    expect(back.topics).toEqual(["real"]);
  });

  it("limits posting per user", async () => {
    const author = await signUp();
    const attempt = () =>
      call("/api/notes", {
        cookie: author.cookie,
        json: { title: "t", body: "", visibility: "public", imageIds: [crypto.randomUUID()] },
      });
    for (let i = 0; i < 20; i++) expect((await attempt()).status).toBe(400);
    const limited = await attempt();
    await expectProblem(limited, 429);
    expect(limited.headers.get("retry-after")).not.toBeNull();
  });

  it("who may not: no session, no CSRF proof, bad ids", async () => {
    const author = await signUp();
    const note = await post(author);
    const image = await upload(author, png(1, 1));
    const json = { title: "t", body: "", visibility: "public", imageIds: [image.id] };
    await expectProblem(await call("/api/notes", { json }), 401);
    await expectProblem(await call("/api/notes", { cookie: author.cookie, json, noCsrf: true }), 403);
    await expectProblem(
      await call("/api/note-images", { cookie: author.cookie, body: form(png(1, 1)), noCsrf: true }),
      403,
    );
    await expectProblem(await call(`/api/notes/${note.id}`, { method: "DELETE" }), 401);
    await expectProblem(
      await call(`/api/notes/${note.id}`, { method: "DELETE", cookie: author.cookie, noCsrf: true }),
      403,
    );
    await expectProblem(await read("not-a-uuid"), 400);
    await expectProblem(await read(crypto.randomUUID()), 404);
    await expectProblem(
      await call("/api/notes", { cookie: author.cookie, json: { ...json, visibility: "friends" } }),
      400,
    );
    await expectProblem(
      await call("/api/notes", { cookie: author.cookie, json: { ...json, mentions: [crypto.randomUUID()] } }),
      400,
    );
  });
});
