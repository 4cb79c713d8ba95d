import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json } from "../../support/http";
import { block, follow, mute, type Person } from "../../support/link";
import { hanWord, note, notes, person, word } from "./search-fixtures";

const START = "\uE000";
const END = "\uE001";

interface NoteHit {
  note: { id: string; title: string; body: string; visibility: string };
  highlight: { title: string; body: string };
}
interface NotePage {
  results: NoteHit[];
  nextCursor: string | null;
}
interface UserHit {
  id: string;
  displayName: string;
  role: string;
  campusId: string | null;
  highlight: string;
}

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

async function searchNotes(params: Record<string, string>, who?: Person): Promise<NotePage> {
  return json<NotePage>(await call(`/api/search/notes?${query(params)}`, who ? { cookie: who.cookie } : {}));
}
const noteIds = async (q: string, who?: Person) =>
  (await searchNotes({ q, limit: "50" }, who)).results.map((r) => r.note.id);

async function searchUsers(q: string, who?: Person): Promise<UserHit[]> {
  const body = await json<{ results: UserHit[] }>(
    await call(`/api/search/users?${query({ q })}`, who ? { cookie: who.cookie } : {}),
  );
  return body.results;
}

async function searchTopics(q: string, limit = "10") {
  const body = await json<{ results: { topic: string; notes: number }[] }>(
    await call(`/api/search/topics?${query({ q, limit })}`),
  );
  return body.results;
}

describe("note search", () => {
  it("finds notes by title and body, marks the matches, and ranks a title match above a body match", async () => {
    const author = await person();
    const w = word();
    const inBody = await note(author, {
      title: "Weekend plans",
      body: `We went looking for ${w} near the lake.`,
    });
    const inTitle = await note(author, { title: `Best ${w} in town`, body: "Worth the queue." });
    const { results } = await searchNotes({ q: w });
    expect(results.map((r) => r.note.id)).toEqual([inTitle, inBody]);
    const [titleHit, bodyHit] = results;
    expect(titleHit?.highlight.title).toBe(`Best ${START}${w}${END} in town`);
    expect(titleHit?.highlight.body).toBe("Worth the queue.");
    expect(bodyHit?.highlight.title).toBe("Weekend plans");
    expect(bodyHit?.highlight.body).toContain(`${START}${w}${END} near the lake`);
    // The note itself is the API's full Note, text exactly as written.
    expect(bodyHit?.note).toMatchObject({ title: "Weekend plans", visibility: "public" });
  });

  it("matches the last word as a prefix, every word must match, ignoring case and accents", async () => {
    const author = await person();
    const w = word();
    const id = await note(author, { title: `${w} Café`, body: "Kopi and kaya toast" });
    expect(await noteIds(`${w.slice(0, 6)}`)).toEqual([id]);
    expect(await noteIds(`${w.toUpperCase()} cafe`)).toEqual([id]);
    expect(await noteIds(`${w} kay`)).toEqual([id]);
    // Only the last word is a prefix.
    expect(await noteIds(`${w.slice(0, 6)} kaya`)).toEqual([]);
    expect(await noteIds(`${w} kayak`)).toEqual([]);
  });

  it("finds Chinese words inside unspaced Chinese text, and marks them without split characters", async () => {
    const author = await person();
    const han = hanWord(4);
    const id = await note(author, {
      title: `我在吉隆坡${han}的日子`,
      body: `今天和朋友去${han}喝咖啡 #留学`,
    });
    // A two-character word from the middle of a run, a longer one, and a mixed query.
    expect(await noteIds(han.slice(1, 3))).toContain(id);
    expect(await noteIds(`吉隆坡${han}`)).toEqual([id]);
    expect(await noteIds(`${han} 咖啡`)).toEqual([id]);
    const [hit] = (await searchNotes({ q: han })).results;
    expect(hit?.note.id).toBe(id);
    expect(hit?.highlight.title).toBe(`我在吉隆坡${START}${han}${END}的日子`);
    expect(hit?.highlight.body).toContain(`${START}${han}${END}喝咖啡`);
    expect(hit?.highlight.body).not.toMatch(/\u200b/);
    // Characters in the wrong order are not the word.
    expect(await noteIds([...han].reverse().join(""))).toEqual([]);
  });

  it("odd input gives results or a 400 problem, never a 500", async () => {
    const author = await person();
    const w = word();
    await note(author, { title: `${w} near or not`, body: "and (parentheses) * ^ {title}: x" });
    const hostile = [
      '"',
      "*",
      "NEAR(",
      "NEAR(a b)",
      `${w} NEAR/2 x`,
      "OR",
      "AND",
      "NOT",
      "( )",
      "^start",
      "{title}: x",
      "title:x",
      "-",
      '"unterminated',
      'a"b',
      "😀",
      "😀 🙂",
      `🙂${w}`,
      "中文",
      "吉",
      "' OR 1=1 --",
      "%_",
      `${START}${w}${END}`,
      "x".repeat(200),
      "a b c d e f g h i j k l",
      "\u200b",
      "#",
      "#留学",
      " ",
    ];
    const viewer = await person({ campusId: "um" });
    for (const q of hostile) {
      for (const path of ["notes", "users", "topics"]) {
        const response = await call(`/api/search/${path}?${query({ q })}`, { cookie: viewer.cookie });
        if (response.status === 400) await expectProblem(response, 400);
        else expect([path, q, response.status]).toEqual([path, q, 200]);
        if (response.status === 200) await response.body?.cancel();
      }
    }
    // Syntax is only text: these find the note whose words they are.
    expect(await noteIds(`${w} NEAR`)).toHaveLength(1);
    expect(await noteIds(`${w} OR`)).toHaveLength(1);
    expect(await noteIds(`"${w}" "not"`)).toHaveLength(1);
    await expectProblem(await call(`/api/search/notes?${query({ q: "😀" })}`), 400);
    await expectProblem(await call("/api/search/notes?q="), 400);
    await expectProblem(await call("/api/search/notes"), 400);
    await expectProblem(await call(`/api/search/notes?${query({ q: "x".repeat(201) })}`), 400);
    await expectProblem(await call(`/api/search/notes?${query({ q: w, cursor: "nonsense" })}`), 400);
  });

  it("pages by cursor through every match exactly once, in rank order", async () => {
    const author = await person();
    const w = word();
    const made = await notes(
      author,
      Array.from({ length: 9 }, (_, i) => ({
        title: i % 3 ? `${w} ${i}` : `note ${i}`,
        body: `${w} body ${i}`,
      })),
    );
    const all = await noteIds(w);
    expect([...all].sort()).toEqual([...made].sort());
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: NotePage = await searchNotes(cursor ? { q: w, limit: "2", cursor } : { q: w, limit: "2" });
      seen.push(...page.results.map((r) => r.note.id));
      sizes.push(page.results.length);
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 2, 2, 1]);
    expect(seen).toEqual(all);
  });

  it("a broad word reads about a page of rows, not every match (rows read, measured)", async () => {
    const author = await person({ campusId: "um" });
    const viewer = await person({ campusId: "um" });
    const broad = word();
    const narrow = word();
    await notes(
      author,
      Array.from({ length: 120 }, (_, i) => ({
        title: i % 2 ? `${broad} lead` : `Kopi ${i}`,
        body: i % 3 ? `${broad} and more text ${i}` : `${broad}`,
        visibility: i % 4 ? "public" : "campus",
      })),
    );
    await notes(
      author,
      Array.from({ length: 11 }, (_, i) => ({ title: `${narrow} ${i}`, body: `${narrow} text` })),
    );
    const measure = async (q: string, who?: Person) => {
      const response = await call(`/api/search/notes?${query({ q, limit: "10" })}`, {
        headers: { "x-atas-measure": "d1" },
        ...(who ? { cookie: who.cookie } : {}),
      });
      const page = await json<NotePage>(response);
      expect(page.results).toHaveLength(10);
      return {
        read: Number(response.headers.get("x-d1-rows-read")),
        returned: Number(response.headers.get("x-d1-rows-returned")),
      };
    };
    for (const who of [undefined, viewer]) {
      const many = await measure(broad, who);
      const few = await measure(narrow, who);
      expect(many.read / many.returned).toBeLessThanOrEqual(10);
      expect(few.read / few.returned).toBeLessThanOrEqual(10);
      // 120 matches cost what 11 do: the search stops at the end of the page instead of reading
      // every match (scanning them would add over 100 rows).
      expect(many.read).toBeLessThan(few.read + 20);
    }
  });

  it("re-indexes an edited note and forgets a deleted one", async () => {
    const author = await person();
    const before = word();
    const after = word();
    const id = await note(author, { title: `${before} title`, body: "body" });
    expect(await noteIds(before)).toEqual([id]);
    const edited = await call(`/api/notes/${id}`, {
      method: "PATCH",
      cookie: author.cookie,
      json: { title: `${after} title`, body: `now about ${after} too` },
    });
    expect(edited.status).toBe(200);
    expect(await noteIds(before)).toEqual([]);
    expect(await noteIds(after)).toEqual([id]);
    // Made private: gone for everyone else, still found by its author.
    await call(`/api/notes/${id}`, {
      method: "PATCH",
      cookie: author.cookie,
      json: { visibility: "private" },
    });
    expect(await noteIds(after)).toEqual([]);
    expect(await noteIds(after, author)).toEqual([id]);
    const removed = await call(`/api/notes/${id}`, { method: "DELETE", cookie: author.cookie });
    expect(removed.status).toBe(204);
    expect(await noteIds(after, author)).toEqual([]);
    const left = await env.DB.prepare("select count(*) as n from note_search where note_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});

describe("visibility in search", () => {
  it("campus, followers-only, private, hidden and deleted notes never leak; blocks and mutes hide an author", async () => {
    const author = await person({ name: "Leak Author", campusId: "um" });
    const [classmate, elsewhere, follower, stranger, blocked, blocker, muter] = await Promise.all([
      person({ campusId: "um" }),
      person({ campusId: "ukm" }),
      person({ campusId: "ukm" }),
      person(),
      person({ campusId: "um" }),
      person({ campusId: "um" }),
      person({ campusId: "um" }),
    ]);
    await follow(follower, author);
    await follow(blocked, author);
    await follow(blocker, author);
    await follow(muter, author);
    await block(author, blocked);
    await block(blocker, author);
    await mute(muter, author);
    const w = word();
    const made = {
      pub: await note(author, { title: `${w} public` }),
      campus: await note(author, { title: `${w} campus`, visibility: "campus" }),
      followers: await note(author, { title: `${w} followers`, visibility: "followers" }),
      secret: await note(author, { title: `${w} private`, visibility: "private" }),
      hidden: await note(author, { title: `${w} hidden`, hidden: true }),
      deleted: await note(author, { title: `${w} deleted` }),
    };
    await env.DB.prepare("delete from notes where id = ?").bind(made.deleted).run();
    const found = async (who?: Person) => (await noteIds(w, who)).sort();
    const expected = (...ids: string[]) => ids.sort();
    expect(await found()).toEqual(expected(made.pub));
    expect(await found(stranger)).toEqual(expected(made.pub));
    expect(await found(classmate)).toEqual(expected(made.pub, made.campus));
    expect(await found(elsewhere)).toEqual(expected(made.pub));
    expect(await found(follower)).toEqual(expected(made.pub, made.followers));
    expect(await found(author)).toEqual(expected(made.pub, made.campus, made.followers, made.secret));
    expect(await found(blocked)).toEqual([]);
    expect(await found(blocker)).toEqual([]);
    expect(await found(muter)).toEqual([]);
    // Hidden by moderation: not even its author finds it in a list.
    expect(await found(author)).not.toContain(made.hidden);
    // Lifting the hide brings it back.
    await env.DB.prepare("update notes set hidden_at = null where id = ?").bind(made.hidden).run();
    expect(await found(stranger)).toEqual(expected(made.pub, made.hidden));
  });
});

describe("people search", () => {
  it("finds people by name (weighted) or bio, with the match marked, in any script", async () => {
    const w = word();
    const han = hanWord(2);
    const named = await person({ name: `Aisyah ${w}`, campusId: "um" });
    const bio = await person({ name: "Someone Else", bio: `Loves ${w} and kopi` });
    const chinese = await person({ name: `陈${han}` });
    const hits = await searchUsers(w);
    expect(hits.map((h) => h.id)).toEqual([named.id, bio.id]);
    expect(hits[0]).toMatchObject({
      displayName: `Aisyah ${w}`,
      role: "student",
      campusId: "um",
      highlight: `Aisyah ${START}${w}${END}`,
    });
    expect(hits[1]?.highlight).toBe(`Loves ${START}${w}${END} and kopi`);
    expect((await searchUsers(`${w.slice(0, 4)}`)).map((h) => h.id)).toContain(named.id);
    const [found] = await searchUsers(han);
    expect(found).toMatchObject({ id: chinese.id, highlight: `陈${START}${han}${END}` });
    // A renamed person is found by the new name only.
    const renamed = word();
    await env.DB.prepare("update users set display_name = ? where id = ?")
      .bind(`Aisyah ${renamed}`, named.id)
      .run();
    expect((await searchUsers(renamed)).map((h) => h.id)).toEqual([named.id]);
    expect((await searchUsers(w)).map((h) => h.id)).toEqual([bio.id]);
  });

  it("leaves out people blocked either way", async () => {
    const w = word();
    const [target, blockedByTarget, blockerOfTarget, other] = await Promise.all([
      person({ name: `Target ${w}` }),
      person(),
      person(),
      person(),
    ]);
    await block(target, blockedByTarget);
    await block(blockerOfTarget, target);
    expect((await searchUsers(w, other)).map((h) => h.id)).toEqual([target.id]);
    expect(await searchUsers(w, blockedByTarget)).toEqual([]);
    expect(await searchUsers(w, blockerOfTarget)).toEqual([]);
  });
});

describe("topic search", () => {
  it("finds topics by prefix, the exact one first, counting public notes only", async () => {
    const author = await person({ campusId: "um" });
    const w = word();
    await notes(author, [
      { body: `#${w}_food and #${w}` },
      { body: `#${w}_food again` },
      { body: `#${w}_food #${w}_secret`, visibility: "private" },
      { body: `#${w}_campus`, visibility: "campus" },
      { body: `#${w}_hidden`, hidden: true },
    ]);
    expect(await searchTopics(`#${w}`)).toEqual([
      { topic: w, notes: 1 },
      { topic: `${w}_food`, notes: 2 },
    ]);
    expect(await searchTopics(`${w.toUpperCase()}_F`)).toEqual([{ topic: `${w}_food`, notes: 2 }]);
    expect(await searchTopics(`${w}_secret`)).toEqual([]);
    expect(await searchTopics(`${w}_campus`)).toEqual([]);
    expect(await searchTopics(`${w}_hidden`)).toEqual([]);
    await expectProblem(await call(`/api/search/topics?${query({ q: "kopi spots" })}`), 400);
  });

  it("keeps counts exact as notes are edited, hidden, made private and deleted (also by cascade)", async () => {
    const author = await person();
    const w = word();
    const [first, second] = await notes(author, [{ body: `#${w}` }, { body: `#${w} #${w}_x` }]);
    const count = async () => (await searchTopics(w))[0] ?? null;
    expect(await count()).toEqual({ topic: w, notes: 2 });
    const edit = (id: string, json: unknown) =>
      call(`/api/notes/${id}`, { method: "PATCH", cookie: author.cookie, json });
    expect((await edit(first as string, { body: "no topics now" })).status).toBe(200);
    expect(await count()).toEqual({ topic: w, notes: 1 });
    expect((await edit(first as string, { body: `#${w} is back` })).status).toBe(200);
    expect(await count()).toEqual({ topic: w, notes: 2 });
    await env.DB.prepare("update notes set hidden_at = 1 where id = ?").bind(second).run();
    expect(await searchTopics(w)).toEqual([{ topic: w, notes: 1 }]);
    await env.DB.prepare("update notes set hidden_at = null where id = ?").bind(second).run();
    expect(await searchTopics(w)).toEqual([
      { topic: w, notes: 2 },
      { topic: `${w}_x`, notes: 1 },
    ]);
    expect((await edit(second as string, { visibility: "followers" })).status).toBe(200);
    expect(await searchTopics(w)).toEqual([{ topic: w, notes: 1 }]);
    expect((await call(`/api/notes/${first}`, { method: "DELETE", cookie: author.cookie })).status).toBe(204);
    expect(await searchTopics(w)).toEqual([]);
    // Deleting the author cascades to their notes, and their topics go with them.
    const gone = await person();
    await notes(gone, [{ body: `#${w}_cascade` }]);
    expect(await searchTopics(`${w}_cascade`)).toEqual([{ topic: `${w}_cascade`, notes: 1 }]);
    await env.DB.prepare("delete from users where id = ?").bind(gone.id).run();
    expect(await searchTopics(`${w}_cascade`)).toEqual([]);
  });
});
