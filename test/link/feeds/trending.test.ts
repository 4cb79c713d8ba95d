import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { upstashStore } from "../../../worker/src/adapters/store/upstash";
import { addToTrending, trendingTopics } from "../../../worker/src/link/feeds/services/trending";
import { runFeedsCron } from "../../../worker/src/schedule";
import { systemContext } from "../../../worker/src/shared/context";
import { adaptersFor } from "../../../worker/src/wiring";
import { call, expectProblem, json, waitFor } from "../../support/http";
import { type Person, uploadedImage } from "../../support/link";
import { note, notes, person, word } from "../search/search-fixtures";

const DAY = 86_400_000;

interface Trending {
  topics: { topic: string; score: number }[];
}

const trending = async (params: Record<string, string> = {}) =>
  (
    await json<Trending>(
      await call(`/api/topics/trending?${new URLSearchParams({ limit: "50", ...params })}`),
    )
  ).topics;

const scoreOf = (topics: Trending["topics"], topic: string) => topics.find((t) => t.topic === topic)?.score;

/** The cron's step: the ready lists recomputed now. */
const refresh = () => runFeedsCron({ scheduledTime: Date.now() }, env, adaptersFor(env));

/** Runs the cron step and reads until `check` holds (counting happens after each response). */
const eventually = (
  read: () => Promise<Trending["topics"]>,
  check: (topics: Trending["topics"]) => boolean,
) =>
  waitFor(
    "trending to match",
    async () => {
      await refresh();
      return read();
    },
    check,
    { timeoutMs: 8000 },
  );

async function post(author: Person, body: string, visibility = "public") {
  const image = await uploadedImage(author);
  const created = await json<{ note: { id: string } }>(
    await call("/api/notes", {
      cookie: author.cookie,
      json: { title: "Trending test", body, visibility, imageIds: [image] },
    }),
    201,
  );
  return created.note.id;
}

describe("trending topics", () => {
  it("counts new public notes per campus and overall, and engagement adds less", async () => {
    const [atUm, atUkm, liker] = await Promise.all([
      person({ campusId: "um" }),
      person({ campusId: "ukm" }),
      person({ campusId: "ukm" }),
    ]);
    const umTopic = word();
    const ukmTopic = word();
    const campusOnly = word();
    const umNote = await post(atUm, `Teh tarik #${umTopic}`);
    await post(atUkm, `Roti canai #${ukmTopic}`);
    await post(atUm, `Only for classmates #${campusOnly}`, "campus");

    const um = await eventually(
      () => trending({ campus: "um" }),
      (topics) => scoreOf(topics, umTopic) !== undefined,
    );
    expect(scoreOf(um, umTopic)).toBeCloseTo(1, 2);
    expect(scoreOf(um, ukmTopic)).toBeUndefined();
    const ukm = await trending({ campus: "ukm" });
    expect(scoreOf(ukm, ukmTopic)).toBeCloseTo(1, 2);
    expect(scoreOf(ukm, umTopic)).toBeUndefined();
    const overall = await trending();
    expect(scoreOf(overall, umTopic)).toBeCloseTo(1, 2);
    expect(scoreOf(overall, ukmTopic)).toBeCloseTo(1, 2);
    // A campus-only note's topic is nobody's trend (outsiders could read it here).
    for (const list of [um, ukm, overall]) expect(scoreOf(list, campusOnly)).toBeUndefined();

    // A like adds 0.2 to the note's topics, on the note's campus (not the liker's).
    expect((await call(`/api/notes/${umNote}/like`, { method: "PUT", cookie: liker.cookie })).status).toBe(
      200,
    );
    const liked = await eventually(
      () => trending({ campus: "um" }),
      (topics) => (scoreOf(topics, umTopic) ?? 0) > 1.1,
    );
    expect(scoreOf(liked, umTopic)).toBeCloseTo(1.2, 2);
    expect(scoreOf(await trending({ campus: "ukm" }), umTopic)).toBeUndefined();
  });

  it("decays: an old burst falls below a recent smaller one", async () => {
    const author = await person({ campusId: "usm" });
    const old = word();
    const recent = word();
    const [oldNote, recentNote] = await notes(author, [{ body: `#${old}` }, { body: `#${recent}` }]);
    const ctx = systemContext(env, adaptersFor(env));
    const now = Date.now();
    // Ten events three days ago (half-life one day: 10 / 2³ = 1.25) against two now (2).
    for (let i = 0; i < 10; i++) await addToTrending(ctx, oldNote as string, 1, now - 3 * DAY);
    for (let i = 0; i < 2; i++) await addToTrending(ctx, recentNote as string, 1, now);

    const order = (topics: Trending["topics"]) =>
      topics.map((t) => t.topic).filter((topic) => topic === old || topic === recent);
    const ready = await eventually(
      () => trending({ campus: "usm" }),
      (topics) => order(topics).length === 2,
    );
    expect(order(ready)).toEqual([recent, old]);
    expect(scoreOf(ready, recent)).toBeCloseTo(2, 2);
    expect(scoreOf(ready, old)).toBeCloseTo(1.25, 2);

    // Without the cron's ready list a request computes the same thing live.
    await upstashStore(env).del(["trending:ready:campus:usm"]);
    const live = await trending({ campus: "usm" });
    expect(order(live)).toEqual([recent, old]);
    expect(scoreOf(live, old)).toBeCloseTo(1.25, 2);
  });

  it("the cron step refreshes every scope and drops topics with no public note left", async () => {
    const author = await person({ campusId: "upm" });
    const w = word();
    const id = await note(author, { body: `#${w}` });
    await addToTrending(systemContext(env, adaptersFor(env)), id, 1, Date.now());
    const report = await refresh();
    const campuses = await env.DB.prepare("select count(*) as n from campuses").first<{ n: number }>();
    expect(report.trending).toMatchObject({ scopes: (campuses?.n ?? 0) + 1 });
    expect(scoreOf(await trending({ campus: "upm" }), w)).toBeCloseTo(1, 2);

    // Hidden by moderation: the next run leaves the topic out, though its count is still in the store.
    await env.DB.prepare("update notes set hidden_at = ? where id = ?").bind(Date.now(), id).run();
    await refresh();
    expect(scoreOf(await trending({ campus: "upm" }), w)).toBeUndefined();
    expect(scoreOf(await trending(), w)).toBeUndefined();
  });

  it("falls back to D1 (public notes of the last 7 days, decayed) when the store is down", async () => {
    const [atUtm, atUsm] = await Promise.all([person({ campusId: "utm" }), person({ campusId: "usm" })]);
    const burst = word();
    const fresh = word();
    const stale = word();
    const elsewhere = word();
    const hidden = word();
    const now = Date.now();
    await notes(atUtm, [
      ...Array.from({ length: 8 }, () => ({ body: `#${burst}`, createdAt: now - 3 * DAY })),
      { body: `#${fresh}`, createdAt: now - 60_000 },
      { body: `#${fresh}`, createdAt: now - 60_000 },
      ...Array.from({ length: 20 }, () => ({ body: `#${stale}`, createdAt: now - 8 * DAY })),
      { body: `#${hidden}`, hidden: true },
      { body: `#${hidden}`, visibility: "campus" as const },
    ]);
    await notes(atUsm, [{ body: `#${elsewhere}` }]);

    const storeDown = { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
    const down = systemContext(storeDown, adaptersFor(storeDown));
    const utm = (await trendingTopics({ ctx: down, input: { campus: "utm", limit: 50 } })).topics;
    const mine = utm.filter((t) => [burst, fresh, stale, elsewhere, hidden].includes(t.topic));
    expect(mine.map((t) => t.topic)).toEqual([fresh, burst]);
    expect(scoreOf(utm, fresh)).toBeCloseTo(2, 2);
    expect(scoreOf(utm, burst)).toBeCloseTo(1, 2);
    const overall = (await trendingTopics({ ctx: down, input: { limit: 50 } })).topics;
    expect(scoreOf(overall, elsewhere)).toBeCloseTo(1, 2);
    expect(scoreOf(overall, stale)).toBeUndefined();
    expect(scoreOf(overall, hidden)).toBeUndefined();
  });

  it("validates its query", async () => {
    await expectProblem(await call("/api/topics/trending?campus=Not%20A%20Campus"), 400);
    await expectProblem(await call("/api/topics/trending?limit=51"), 400);
    // A campus nobody posts from trends nothing.
    expect(await trending({ campus: "no-such-campus" })).toEqual([]);
  });
});
