import { describe, expect, it } from "vitest";
import {
  AFFINITY,
  type Candidate,
  coldRate,
  DIVERSITY_WINDOW,
  engagement,
  hotScore,
  inColdStart,
  NO_SIGNALS,
  rankPage,
  type Signals,
  type ViewerSignals,
} from "../../../worker/src/link/feeds/ranking";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 12);
const none: Signals = { likes: 0, collects: 0, comments: 0, shares: 0, followsGained: 0 };

/**
 * A hand-built note: `likes` engagement (weight 1 each) unless `signals` says otherwise. Notes are
 * 30 hours old unless told, outside the cold-start pool, so only the tests about it meet it.
 */
function note(
  id: string,
  options: {
    author?: string;
    hoursOld?: number;
    likes?: number;
    campus?: string | null;
    topics?: string[];
    signals?: Partial<Signals>;
  } = {},
): Candidate {
  return {
    id,
    authorId: options.author ?? `author-${id}`,
    campusId: options.campus ?? null,
    topics: options.topics ?? [],
    createdAt: NOW - (options.hoursOld ?? 30) * HOUR,
    signals: { ...none, likes: options.likes ?? 0, ...options.signals },
  };
}

function viewer(partial: Partial<ViewerSignals>): ViewerSignals {
  return { ...NO_SIGNALS, ...partial };
}

const ids = (page: Candidate[]) => page.map((c) => c.id);

describe("discovery ranking", () => {
  it("weighs a like and a collect 1, a comment and a share 4, a follow gained from the note 8", () => {
    expect(engagement({ likes: 1, collects: 0, comments: 0, shares: 0, followsGained: 0 })).toBe(1);
    expect(engagement({ likes: 0, collects: 1, comments: 0, shares: 0, followsGained: 0 })).toBe(1);
    expect(engagement({ likes: 0, collects: 0, comments: 1, shares: 0, followsGained: 0 })).toBe(4);
    expect(engagement({ likes: 0, collects: 0, comments: 0, shares: 1, followsGained: 0 })).toBe(4);
    expect(engagement({ likes: 0, collects: 0, comments: 0, shares: 0, followsGained: 1 })).toBe(8);
    expect(engagement({ likes: 3, collects: 2, comments: 1, shares: 0, followsGained: 1 })).toBe(17);
  });

  it("decays with gravity: hot = (engagement + 1) / (hours + 2)^1.8", () => {
    expect(hotScore(0, 0)).toBeCloseTo(1 / 2 ** 1.8, 10);
    expect(hotScore(9, 8)).toBeCloseTo(10 / 10 ** 1.8, 10);
    expect(hotScore(5, 10)).toBeLessThan(hotScore(5, 9));
  });

  it("ranks a fresh note with little engagement above an older one with much, once the older one has aged", () => {
    // 30 likes at 10 hours: 31 / 12^1.8 ≈ 0.35; 2 likes at 1 hour: 3 / 3^1.8 ≈ 0.42.
    const older = note("older", { hoursOld: 10, likes: 30 });
    const fresh = note("fresh", { hoursOld: 1, likes: 2 });
    expect(ids(rankPage([older, fresh], NO_SIGNALS, NOW, { limit: 2 }))).toEqual(["fresh", "older"]);
    // The same 30 likes at 3 hours (31 / 5^1.8 ≈ 1.7) still beat the fresh note.
    const recent = note("recent", { hoursOld: 3, likes: 30 });
    expect(ids(rankPage([fresh, recent], NO_SIGNALS, NOW, { limit: 2 }))).toEqual(["recent", "fresh"]);
  });

  it("a comment outweighs three likes, and a follow gained outweighs a comment", () => {
    const liked = note("liked", { likes: 3 });
    const commented = note("commented", { signals: { comments: 1 } });
    const followed = note("followed", { signals: { followsGained: 1 } });
    expect(ids(rankPage([liked, commented, followed], NO_SIGNALS, NOW, { limit: 3 }))).toEqual([
      "followed",
      "commented",
      "liked",
    ]);
  });

  it("lifts notes of the viewer's campus by 1.5, not more", () => {
    const far = note("far", { campus: "nus", likes: 13 });
    const near = note("near", { campus: "um", likes: 10 }); // 11 × 1.5 = 16.5 > 14
    const me = viewer({ campusId: "um" });
    expect(ids(rankPage([far, near], NO_SIGNALS, NOW, { limit: 2 }))).toEqual(["far", "near"]);
    expect(ids(rankPage([far, near], me, NOW, { limit: 2 }))).toEqual(["near", "far"]);
    const muchFarther = note("popular", { campus: "nus", likes: 20 }); // 21 > 16.5
    expect(ids(rankPage([muchFarther, near], me, NOW, { limit: 2 }))).toEqual(["popular", "near"]);
  });

  it("lifts notes on a followed topic once, however many of its topics match", () => {
    const plain = note("plain", { likes: 14, topics: ["exams"] });
    const kopi = note("kopi", { likes: 9, topics: ["kopi", "food"] }); // 10 × 1.6 = 16 > 15
    const me = viewer({ followedTopics: new Set(["kopi", "food"]) });
    expect(ids(rankPage([plain, kopi], me, NOW, { limit: 2 }))).toEqual(["kopi", "plain"]);
    const stronger = note("stronger", { likes: 16 }); // 17 > 16: two matching topics still count once
    expect(ids(rankPage([stronger, kopi], me, NOW, { limit: 2 }))).toEqual(["stronger", "kopi"]);
  });

  it("lifts authors the viewer liked before", () => {
    const known = note("known", { author: "mei", likes: 10 });
    const stranger = note("stranger", { likes: 13 });
    expect(
      ids(rankPage([known, stranger], viewer({ engagedAuthors: new Set(["mei"]) }), NOW, { limit: 2 })),
    ).toEqual(["known", "stranger"]);
  });

  it("sinks authors and topics the viewer marked not interested", () => {
    const fromAuthor = note("a", { author: "loud", likes: 30 });
    const onTopic = note("t", { topics: ["crypto"], likes: 30 });
    const other = note("o", { likes: 10 });
    const me = viewer({ notInterestedAuthors: new Set(["loud"]), notInterestedTopics: new Set(["crypto"]) });
    expect(ids(rankPage([fromAuthor, onTopic, other], NO_SIGNALS, NOW, { limit: 3 }))).toEqual([
      "a",
      "t",
      "o",
    ]);
    // 31 × 0.25 = 7.75 < 11; 31 × 0.5 = 15.5 > 11.
    expect(ids(rankPage([fromAuthor, onTopic, other], me, NOW, { limit: 3 }))).toEqual(["t", "o", "a"]);
    expect(AFFINITY.notInterestedAuthor).toBeLessThan(AFFINITY.notInterestedTopic);
  });

  it(`never shows an author twice within ${DIVERSITY_WINDOW} notes while others are left`, () => {
    const prolific = [40, 39, 38].map((likes, i) => note(`p${i}`, { author: "prolific", likes }));
    const others = Array.from({ length: 10 }, (_, i) => note(`o${i}`, { likes: 10 - i }));
    const page = rankPage([...prolific, ...others], NO_SIGNALS, NOW, { limit: 13 });
    expect(ids(page)).toEqual(["p0", "o0", "o1", "o2", "o3", "o4", "p1", "o5", "o6", "o7", "o8", "o9", "p2"]);
    for (let i = 0; i < page.length; i++) {
      const window = page.slice(Math.max(0, i - DIVERSITY_WINDOW + 1), i + 1).map((c) => c.authorId);
      expect(new Set(window).size).toBe(window.length);
    }
  });

  it("keeps the spacing across pages, and fills the page when only one author is left", () => {
    const next = [note("x", { author: "seen", likes: 50 }), note("y", { likes: 1 })];
    expect(ids(rankPage(next, NO_SIGNALS, NOW, { limit: 2, recentAuthors: ["seen"], offset: 1 }))).toEqual([
      "y",
      "x",
    ]);
    const single = [1, 2, 3].map((i) => note(`s${i}`, { author: "solo", likes: 10 - i }));
    expect(ids(rankPage(single, NO_SIGNALS, NOW, { limit: 5, offset: 1 }))).toEqual(["s1", "s2", "s3"]);
  });

  it("gives every fifth slot to the young note with the best engagement rate", () => {
    // Ten established notes (100 likes at 5 h, hot ≈ 3.1) outrank every young note on hot score.
    const established = Array.from({ length: 10 }, (_, i) => note(`e${i}`, { hoursOld: 5, likes: 100 - i }));
    const quick = note("quick", { hoursOld: 2, likes: 6 }); // rate 6 / 3 = 2
    const slow = note("slow", { hoursOld: 1, likes: 2 }); // rate 2 / 2 = 1
    const silent = note("silent", { hoursOld: 0.5 }); // rate 0: still gets its audience, last
    const page = rankPage([silent, slow, ...established, quick], NO_SIGNALS, NOW, { limit: 13 });
    expect(ids(page)).toEqual([
      "e0",
      "e1",
      "e2",
      "e3",
      "quick",
      "e4",
      "e5",
      "e6",
      "e7",
      "slow",
      "e8",
      "e9",
      "silent",
    ]);
    // Without the slots the young notes would come last, quick before slow before silent.
    expect(hotScore(6, 2)).toBeLessThan(hotScore(91, 5));
  });

  it("places the slots by position in the whole feed, not in the page", () => {
    const established = Array.from({ length: 6 }, (_, i) => note(`e${i}`, { hoursOld: 5, likes: 100 - i }));
    const quick = note("quick", { hoursOld: 2, likes: 6 });
    // Three notes were served before: positions 3..8, so the slot (position 4) is this page's second.
    expect(ids(rankPage([...established, quick], NO_SIGNALS, NOW, { limit: 4, offset: 3 }))).toEqual([
      "e0",
      "quick",
      "e1",
      "e2",
    ]);
  });

  it("leaves out of the cold-start pool notes that are old or already popular", () => {
    expect(inColdStart(9, 23)).toBe(true);
    expect(inColdStart(10, 1)).toBe(false);
    expect(inColdStart(0, 24)).toBe(false);
    expect(coldRate(6, 2)).toBe(2);
    const old = note("old", { hoursOld: 30, likes: 3 });
    const established = Array.from({ length: 5 }, (_, i) => note(`e${i}`, { hoursOld: 5, likes: 100 - i }));
    // No young note: the slot goes to the next hot note.
    expect(ids(rankPage([old, ...established], NO_SIGNALS, NOW, { limit: 6 }))).toEqual([
      "e0",
      "e1",
      "e2",
      "e3",
      "e4",
      "old",
    ]);
  });

  it("orders ties newest first, then by id, whatever the input order", () => {
    const a = note("a", { hoursOld: 2 });
    const b = note("b", { hoursOld: 2 });
    const c = note("c", { hoursOld: 1 });
    expect(ids(rankPage([b, a, c], NO_SIGNALS, NOW, { limit: 3, offset: 1 }))).toEqual(["c", "a", "b"]);
    expect(ids(rankPage([c, b, a], NO_SIGNALS, NOW, { limit: 3, offset: 1 }))).toEqual(["c", "a", "b"]);
  });
});
