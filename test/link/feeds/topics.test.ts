import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json } from "../../support/http";
import { block, follow, mute, type Person } from "../../support/link";
import { note, notes, person, word } from "../search/search-fixtures";

interface TopicPage {
  topic: string;
  following: boolean;
  notes: { id: string; topics: string[]; images: unknown[] }[];
  nextCursor: string | null;
}

const page = (topic: string, who?: Person, params: Record<string, string> = {}) =>
  call(
    `/api/topics/${encodeURIComponent(topic)}/notes?${new URLSearchParams(params)}`,
    who ? { cookie: who.cookie } : {},
  );

describe("topic pages", () => {
  it("lists a topic's notes newest first, a page at a time, and says whether the viewer follows it", async () => {
    const author = await person();
    const reader = await person();
    const w = word();
    const base = Date.now() - 60_000;
    // Two notes share a timestamp: the keyset breaks the tie by id.
    const made = await notes(author, [
      { body: `#${w} first`, createdAt: base },
      { body: `#${w} second`, createdAt: base + 1000 },
      { body: `#${w} third`, createdAt: base + 2000 },
      { body: `#${w} fourth`, createdAt: base + 2000 },
      { body: `#${w} fifth`, createdAt: base + 3000 },
      { body: `#other_${w} only`, createdAt: base + 4000 },
    ]);
    const [first, second, third, fourth, fifth] = made as [string, string, string, string, string];
    const tied = [third, fourth].sort().reverse();
    const expected = [fifth, ...tied, second, first];

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const body: TopicPage = await json<TopicPage>(
        await page(`#${w.toUpperCase()}`, reader, cursor ? { limit: "2", cursor } : { limit: "2" }),
      );
      expect(body.topic).toBe(w);
      expect(body.following).toBe(false);
      seen.push(...body.notes.map((n) => n.id));
      sizes.push(body.notes.length);
      cursor = body.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(expected);

    // Notes come as the API's Note (topics, images…).
    const full = await json<TopicPage>(await page(w, reader));
    expect(full.notes[0]?.topics).toEqual([w]);
    expect(full.notes[0]?.images).toHaveLength(1);

    const followed = await call(`/api/topic-follows/${w}`, { method: "PUT", cookie: reader.cookie });
    expect(followed.status).toBe(200);
    expect((await json<TopicPage>(await page(w, reader))).following).toBe(true);
    expect((await json<TopicPage>(await page(w))).following).toBe(false);
  });

  it("shows only notes the viewer may see", async () => {
    const author = await person({ campusId: "um" });
    const [classmate, follower, stranger, blocked, muter] = await Promise.all([
      person({ campusId: "um" }),
      person({ campusId: "ukm" }),
      person({ campusId: "ukm" }),
      person({ campusId: "um" }),
      person({ campusId: "um" }),
    ]);
    await follow(follower, author);
    await follow(muter, author);
    await block(blocked, author);
    await mute(muter, author);
    const w = word();
    const made = {
      pub: await note(author, { body: `#${w} public` }),
      campus: await note(author, { body: `#${w} campus`, visibility: "campus" }),
      followers: await note(author, { body: `#${w} followers`, visibility: "followers" }),
      secret: await note(author, { body: `#${w} private`, visibility: "private" }),
      hidden: await note(author, { body: `#${w} hidden`, hidden: true }),
    };
    const ids = async (who?: Person) =>
      (await json<TopicPage>(await page(w, who))).notes.map((n) => n.id).sort();
    const sorted = (...list: string[]) => list.sort();
    expect(await ids()).toEqual([made.pub]);
    expect(await ids(stranger)).toEqual([made.pub]);
    expect(await ids(classmate)).toEqual(sorted(made.pub, made.campus));
    expect(await ids(follower)).toEqual(sorted(made.pub, made.followers));
    expect(await ids(author)).toEqual(sorted(made.pub, made.campus, made.followers, made.secret));
    expect(await ids(blocked)).toEqual([]);
    expect(await ids(muter)).toEqual([]);
    await env.DB.prepare("delete from notes where id = ?").bind(made.pub).run();
    expect(await ids(stranger)).toEqual([]);
  });

  it("refuses what is not a topic or a cursor", async () => {
    await expectProblem(await page("kopi spots"), 400);
    await expectProblem(await page("a".repeat(61)), 400);
    await expectProblem(await page("kopi", undefined, { cursor: "nonsense" }), 400);
    await expectProblem(await page("kopi", undefined, { limit: "0" }), 400);
    // A topic nobody used is an empty page, not an error.
    const empty = await json<TopicPage>(await page(word()));
    expect(empty).toMatchObject({ notes: [], nextCursor: null, following: false });
  });
});
