import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/src/db/client";
import {
  directoryQuery,
  filterConditions,
  relevanceQuery,
  toMatchExpression,
} from "../../worker/src/pro/services/search-experts";
import type { AvailabilityWindow } from "../../worker/src/profiles/schema";
import { call, expectProblem, signUp } from "../support/http";
import { verifyExpert } from "./fixtures";

interface Card {
  id: string;
  displayName: string;
  headline: string;
  industry: string;
  skills: string[];
  acceptingInvitations: boolean;
  campusTies: string[];
  snippet?: string;
}
interface Page {
  experts: Card[];
  nextCursor: string | null;
}

/** A word no other test (or test file: the D1 database is shared) will use. */
const token = (prefix = "zq") => `${prefix}${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;

interface ExpertRow {
  displayName?: string;
  bio?: string;
  headline?: string;
  company?: string;
  industry?: string;
  skills?: string[];
  topics?: string[];
  availability?: AvailabilityWindow[];
  accepting?: boolean;
  campusTies?: string[];
  verification?: "verified" | "unverified" | "rejected";
}

/** Inserts an expert as registration does (users row, then profile row), bypassing the mail flow. */
async function insertExpert(row: ExpertRow = {}): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(
      "insert into users (id, email, password_hash, display_name, role, bio, created_at, updated_at) values (?, ?, 'x', ?, 'expert', ?, ?, ?)",
    ).bind(id, `${id}@example.com`, row.displayName ?? "Some Expert", row.bio ?? "", now, now),
    env.DB.prepare(
      `insert into expert_profiles (user_id, headline, company, industry, skills, topics, availability,
        accepting_invitations, campus_ties, updated_at, verification) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).bind(
      id,
      row.headline ?? "",
      row.company ?? "",
      row.industry ?? "",
      JSON.stringify(row.skills ?? []),
      JSON.stringify(row.topics ?? []),
      JSON.stringify(row.availability ?? []),
      row.accepting === false ? 0 : 1,
      JSON.stringify(row.campusTies ?? []),
      now,
      row.verification ?? "verified",
    ),
  ]);
  return id;
}

async function insertStudent(displayName = "A Student"): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "insert into users (id, email, password_hash, display_name, role, created_at, updated_at) values (?, ?, 'x', ?, 'student', 0, 0)",
  )
    .bind(id, `${id}@example.com`, displayName)
    .run();
  return id;
}

async function search(params: Record<string, string>): Promise<Page> {
  const response = await call(`/api/experts?${new URLSearchParams(params)}`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${response.status}: ${text}`);
  return JSON.parse(text) as Page;
}
const ids = (page: Page) => page.experts.map((e) => e.id);

const window = (weekday: number, timeZone = "Asia/Kuala_Lumpur"): AvailabilityWindow => ({
  weekday,
  start: "19:00",
  end: "21:00",
  timeZone,
});

describe("GET /api/experts: full-text search", () => {
  it("ranks a name or headline match above a bio-only match", async () => {
    const word = token();
    const inBio = await insertExpert({ displayName: "Bio Person", bio: `Once met someone called ${word}.` });
    const inHeadline = await insertExpert({ displayName: "Head Person", headline: `${word} platform lead` });
    const inName = await insertExpert({ displayName: `Dr ${word}`, bio: "Builds things." });
    const page = await search({ q: word });
    expect(ids(page)).toHaveLength(3);
    expect(ids(page).at(-1)).toBe(inBio);
    expect(ids(page).slice(0, 2).sort()).toEqual([inHeadline, inName].sort());
  });

  it("matches the last word as a prefix, ignoring case and diacritics", async () => {
    const word = token();
    const id = await insertExpert({ headline: `${word} Payments engineer`, bio: "Café owner in São Paulo" });
    expect(ids(await search({ q: `${word} pay` }))).toEqual([id]);
    expect(ids(await search({ q: `${word.toUpperCase()} PAYM` }))).toEqual([id]);
    expect(ids(await search({ q: `${word} sao` }))).toEqual([id]);
    expect(ids(await search({ q: `${word} cafe` }))).toEqual([id]);
    // Only the last word is a prefix; every word must match.
    expect(ids(await search({ q: `pay ${word}` }))).toEqual([]);
    expect(ids(await search({ q: `${word} payroll` }))).toEqual([]);
  });

  it("returns a snippet with U+E000 … U+E001 around the match", async () => {
    const word = token();
    await insertExpert({ bio: `Long before this, I worked on ${word} systems for a decade.` });
    const [card] = (await search({ q: word })).experts;
    expect(card?.snippet).toContain(`\uE000${word}\uE001`);
    expect((await search({ q: word, limit: "1" })).experts[0]?.snippet).toBeDefined();
    // The directory listing (no q) has nothing to highlight.
    expect((await search({ limit: "1" })).experts[0]?.snippet).toBeUndefined();
  });

  it("hostile q input is a 200 or a 400, never a 500", async () => {
    const word = token();
    await insertExpert({ headline: `${word} near and or not` });
    const hostile = [
      '"',
      "*",
      "AND (",
      "NEAR",
      "NEAR(a b)",
      `${word} NEAR/2 x`,
      "a OR",
      "OR",
      "NOT",
      ")",
      "(",
      "^start",
      "-minus",
      "+plus",
      "headline:foo",
      "{headline bio}: x",
      `"${word}`,
      `${word}"`,
      "'",
      "''",
      "\\",
      "%",
      "a*b",
      "**",
      '"" "" ""',
      "\u0000",
      "🙂",
      "x".repeat(200),
      "a b c d e f g h i j k l m",
    ];
    for (const q of hostile) {
      const response = await call(`/api/experts?${new URLSearchParams({ q })}`);
      expect([200, 400], `q=${JSON.stringify(q)} gave ${response.status}`).toContain(response.status);
      if (response.status === 400) await expectProblem(response, 400);
    }
    // Operator words are searched as words.
    expect((await search({ q: `${word} NEAR` })).experts).toHaveLength(1);
    expect((await search({ q: `${word} AND` })).experts).toHaveLength(1);
    await expectProblem(await call("/api/experts?q=%22"), 400);
    await expectProblem(await call(`/api/experts?q=${"x".repeat(201)}`), 400);
  });

  it("quotes each word so FTS syntax is inert", () => {
    expect(toMatchExpression("pay")).toBe('"pay"*');
    expect(toMatchExpression('  go "fast  NEAR(')).toBe('"go" """fast" "NEAR("*');
    expect(toMatchExpression("AND ( * )")).toBe('"AND"*');
    expect(toMatchExpression('" * (')).toBeNull();
  });
});

describe("GET /api/experts: filters", () => {
  it("each filter alone", async () => {
    const word = token();
    const a = await insertExpert({
      headline: word,
      industry: `Fin${word}`,
      skills: ["Go", `Ledger${word}`],
      topics: [`Scaling ${word}`, "Hiring"],
      campusTies: [`um${word}`],
      accepting: true,
      availability: [window(2)],
    });
    const b = await insertExpert({
      headline: word,
      industry: `Health${word}`,
      skills: [`Ledger${word}`],
      topics: ["Hiring"],
      campusTies: [`nus${word}`],
      accepting: false,
      availability: [window(5)],
    });

    // Industry is exact and case-insensitive.
    expect(ids(await search({ industry: `fin${word}`.toUpperCase() }))).toEqual([a]);
    expect(ids(await search({ industry: `Fin${word.slice(0, -1)}` }))).toEqual([]);
    // Skills and topics: every listed one must be present, case-insensitively.
    expect(ids(await search({ skills: `ledger${word}`, limit: "50" })).sort()).toEqual([a, b].sort());
    expect(ids(await search({ skills: `LEDGER${word}, go` }))).toEqual([a]);
    expect(ids(await search({ skills: `ledger${word},rust` }))).toEqual([]);
    expect(ids(await search({ topics: `scaling ${word}` }))).toEqual([a]);
    expect(ids(await search({ topics: `scaling ${word},hiring` }))).toEqual([a]);
    // Campus ties.
    expect(ids(await search({ campus: `nus${word}` }))).toEqual([b]);
    // Accepting (scoped to this test's experts by q).
    expect(ids(await search({ q: word, accepting: "true" }))).toEqual([a]);
    expect(ids(await search({ q: word, accepting: "false" }))).toEqual([b]);
    // Availability: Tuesday 2026-03-03 only.
    expect(ids(await search({ q: word, availableFrom: "2026-03-03", availableTo: "2026-03-03" }))).toEqual([
      a,
    ]);
    // The directory listing shows them too: accepting first.
    const listed = await search({ skills: `ledger${word}` });
    expect(listed.experts.map((e) => e.acceptingInvitations)).toEqual([true, false]);
  });

  it("filters combine (all must hold), with and without q", async () => {
    const word = token();
    const industry = `Edu${word}`;
    const match = await insertExpert({
      headline: `${word} mentor`,
      industry,
      skills: ["Python"],
      topics: ["careers"],
      campusTies: ["um"],
      availability: [window(1)],
    });
    await insertExpert({
      headline: word,
      industry,
      skills: ["Python"],
      campusTies: ["nus"],
      availability: [window(1)],
    });
    await insertExpert({
      headline: word,
      industry,
      skills: ["Python"],
      campusTies: ["um"],
      accepting: false,
    });
    await insertExpert({
      headline: word,
      industry,
      skills: ["Java"],
      campusTies: ["um"],
      availability: [window(1)],
    });
    const filters = {
      industry: industry.toLowerCase(),
      skills: "python",
      topics: "Careers",
      campus: "um",
      accepting: "true",
      availableFrom: "2026-03-02",
      availableTo: "2026-03-03",
    };
    expect(ids(await search(filters))).toEqual([match]);
    expect(ids(await search({ ...filters, q: `${word} ment` }))).toEqual([match]);
    expect(ids(await search({ ...filters, q: `${word} nothing` }))).toEqual([]);
  });

  it("availability: a window's weekday must fall in the range; 7+ days means any window", async () => {
    const word = token();
    const tuesday = await insertExpert({ headline: word, availability: [window(2, "America/Los_Angeles")] });
    const friday = await insertExpert({ headline: word, availability: [window(5)] });
    const both = await insertExpert({ headline: word, availability: [window(0), window(3)] });
    await insertExpert({ headline: word, availability: [] });
    const between = async (from: string, to: string) =>
      ids(await search({ q: word, availableFrom: from, availableTo: to })).sort();

    // Mon 2 – Tue 3 March 2026: the Friday window falls outside the two days.
    expect(await between("2026-03-02", "2026-03-03")).toEqual([tuesday]);
    expect(await between("2026-03-06", "2026-03-06")).toEqual([friday]);
    expect(await between("2026-03-06", "2026-03-08")).toEqual([friday, both].sort());
    // Wed 4 – Sat 7 March: Wednesday and Friday windows, not Sunday or Tuesday.
    expect(await between("2026-03-04", "2026-03-07")).toEqual([friday, both].sort());
    expect(await between("2026-03-02", "2026-03-07")).toEqual([tuesday, friday, both].sort());
    // Seven days or more: everyone with any window, never the expert without one.
    expect(await between("2026-03-02", "2026-03-08")).toEqual([tuesday, friday, both].sort());
    expect(await between("2026-03-01", "2026-05-02")).toEqual([tuesday, friday, both].sort());
    // Across a month end: Sat 28 Feb – Sun 1 March.
    expect(await between("2026-02-28", "2026-03-01")).toEqual([both]);
  });

  it("bad parameters are 400 problems", async () => {
    const bad = [
      "availableFrom=2026-03-01",
      "availableTo=2026-03-01",
      "availableFrom=2026-03-05&availableTo=2026-03-01",
      "availableFrom=2026-03-01&availableTo=2026-05-03",
      "availableFrom=2026-02-30&availableTo=2026-03-01",
      "availableFrom=2026-3-1&availableTo=2026-03-01",
      "limit=0",
      "limit=51",
      "limit=abc",
      "accepting=yes",
      "cursor=not-a-cursor",
      `cursor=${btoa(JSON.stringify({ k: "r", s: "x", id: "a" }))}`,
      // The bm25 cursor of before the relevance tiers, and tiers or rowids that cannot be.
      `q=x&cursor=${btoa(JSON.stringify({ k: "r", s: -1.5, rid: 3 }))}`,
      `q=x&cursor=${btoa(JSON.stringify({ k: "r", t: 4, rid: 3 }))}`,
      `q=x&cursor=${btoa(JSON.stringify({ k: "r", t: 1, rid: 0 }))}`,
      `q=x&cursor=${btoa(JSON.stringify({ k: "r", t: 1, rid: 1.5 }))}`,
      `skills=${Array.from({ length: 11 }, (_, i) => `s${i}`).join(",")}`,
    ];
    for (const query of bad) await expectProblem(await call(`/api/experts?${query}`), 400);
    // 62 days apart is the limit, inclusive.
    expect((await call("/api/experts?availableFrom=2026-03-01&availableTo=2026-05-02&limit=1")).status).toBe(
      200,
    );
  });
});

describe("GET /api/experts: cursor pagination", () => {
  async function walk(params: Record<string, string>, between?: () => Promise<unknown>) {
    const seen: string[] = [];
    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await search({ ...params, limit: "2", ...(cursor ? { cursor } : {}) });
      seen.push(...ids(page));
      pages.push(page.experts.length);
      cursor = page.nextCursor;
      await between?.();
    } while (cursor && pages.length < 10);
    return { seen, pages };
  }

  it("relevance order: walks 5 matches across the tiers exactly once, even while other experts are written", async () => {
    const word = token();
    const all = [
      await insertExpert({ displayName: `${word} One`, headline: "x" }),
      await insertExpert({ headline: `${word} two` }),
      await insertExpert({ headline: `${word} three` }),
      await insertExpert({ bio: `${word} four` }),
      await insertExpert({ bio: `${word} five` }),
    ];
    const first = await walk({ q: word });
    expect(first.pages).toEqual([2, 2, 1]);
    expect(new Set(first.seen).size).toBe(5);
    expect([...first.seen].sort()).toEqual([...all].sort());
    // Name first, then the profile (the newer headline first), then the bio: pages cross tiers.
    const [name, two, three, four, five] = all;
    expect(first.seen).toEqual([name, three, two, five, four]);
    // Writes elsewhere in the index move no one: the cursor is a rowid in a tier.
    const second = await walk({ q: word }, () => insertExpert({ bio: `${token()} unrelated words here` }));
    expect(second.seen).toEqual(first.seen);
  });

  it("relevance order: 12 matches in one tier walk newest first, whatever is written meanwhile", async () => {
    const word = token();
    const all = await Promise.all(
      Array.from({ length: 12 }, (_, i) => insertExpert({ headline: `${word} ${"filler ".repeat(i)}` })),
    );
    const whole = ids(await search({ q: word, limit: "50" }));
    expect([...whole].sort()).toEqual([...all].sort());
    // Newest index row first: re-indexing (a changed headline) brings an expert to the front of its tier.
    const oldest = whole.at(-1) ?? "";
    await env.DB.prepare("update expert_profiles set headline = ? where user_id = ?")
      .bind(`${word} changed`, oldest)
      .run();
    expect(ids(await search({ q: word, limit: "50" }))).toEqual([oldest, ...whole.slice(0, -1)]);
    const { seen } = await walk({ q: word }, () => insertExpert({ headline: `${token()} unrelated` }));
    expect(seen).toEqual([oldest, ...whole.slice(0, -1)]);
  });

  it("filters and vetting hold in every tier, and pages neither repeat nor skip across them", async () => {
    const word = token();
    const industry = `Ind${token()}`;
    // Two of each tier pass the filters; the rest fail one (industry, accepting, vetting) each.
    const pass = {
      name: [
        await insertExpert({ displayName: `${word} A`, industry }),
        await insertExpert({ displayName: `${word} B`, industry }),
      ],
      profile: [
        await insertExpert({ skills: [word], industry }),
        await insertExpert({ headline: `${word} lead`, industry }),
      ],
      bio: [
        await insertExpert({ bio: `${word} one`, industry }),
        await insertExpert({ bio: `${word} two`, industry }),
      ],
    };
    const fail = [
      await insertExpert({ displayName: `${word} C`, industry: "Other" }),
      await insertExpert({ headline: word, industry, accepting: false }),
      await insertExpert({ bio: word, industry, verification: "unverified" }),
      await insertExpert({ displayName: `${word} D`, industry, verification: "rejected" }),
    ];
    for (const limit of ["1", "2", "4"]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await search({
          q: word,
          industry,
          accepting: "true",
          limit,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...ids(page));
        cursor = page.nextCursor;
      } while (cursor && seen.length < 20);
      const newestFirst = (pair: string[]) => [...pair].reverse();
      expect(seen, `limit ${limit}`).toEqual([
        ...newestFirst(pass.name),
        ...newestFirst(pass.profile),
        ...newestFirst(pass.bio),
      ]);
    }
    // Unvetted experts stay out of a search unless asked for; rejected ones are never "verified".
    const all = ids(await search({ q: word, limit: "50" }));
    expect(all).not.toContain(fail[2]);
    expect(all).not.toContain(fail[3]);
    const withUnverified = ids(await search({ q: word, includeUnverified: "true", limit: "50" }));
    expect(withUnverified).toContain(fail[2]);
    expect(withUnverified).toContain(fail[3]);
  });

  it("a snippet comes from a text column, never from the filter tokens", async () => {
    const word = token();
    const industry = `Ind${token()}`;
    await insertExpert({ bio: `I mentor ${word} teams.`, industry, skills: ["go"], topics: ["careers"] });
    const filtered = await search({ q: word, industry, skills: "go", topics: "careers", accepting: "true" });
    expect(filtered.experts[0]?.snippet).toBe(`I mentor \uE000${word}\uE001 teams.`);
    // The column with the most highlighted words wins; on a tie, the earlier column (the name first).
    const second = token();
    await insertExpert({ displayName: `${word} Person`, headline: `${word} and ${second}` });
    const [card] = (await search({ q: `${word} ${second}` })).experts;
    expect(card?.snippet).toBe(`\uE000${word}\uE001 and \uE000${second}\uE001`);
  });

  it("identical profiles page in one stable order: each expert exactly once", async () => {
    const word = token();
    const all = await Promise.all(Array.from({ length: 9 }, () => insertExpert({ headline: word })));
    const { seen, pages } = await walk({ q: word });
    expect(pages).toEqual([2, 2, 2, 2, 1]);
    expect([...seen].sort()).toEqual([...all].sort());
    expect(seen).toEqual(ids(await search({ q: word, limit: "50" })));
  });

  it("a broad word reads about a page of rows, not every match (rows read, measured)", async () => {
    const word = token();
    const industry = `Ind${token()}`;
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        insertExpert({
          headline: `${word} ${i % 2 ? "lead" : "engineer"}`,
          bio: i % 3 ? `${word} mentor` : "",
          industry: i % 4 ? "Other" : industry,
          accepting: i % 5 !== 0,
        }),
      ),
    );
    const measure = async (params: Record<string, string>) => {
      const response = await call(`/api/experts?${new URLSearchParams(params)}`, {
        headers: { "x-atas-measure": "d1" },
      });
      const page = (await response.json()) as Page;
      return {
        page,
        read: Number(response.headers.get("x-d1-rows-read")),
        returned: Number(response.headers.get("x-d1-rows-returned")),
      };
    };
    const broad = await measure({ q: word, limit: "10" });
    expect(broad.page.experts).toHaveLength(10);
    expect(broad.read / broad.returned).toBeLessThanOrEqual(10);
    // Filters are facets inside the index: they narrow the matches before any row is read.
    const narrowed = await measure({ q: word, industry, accepting: "true", limit: "10" });
    expect(narrowed.page.experts).toHaveLength(10);
    expect(narrowed.page.experts.every((e) => e.industry === industry && e.acceptingInvitations)).toBe(true);
    expect(narrowed.read / narrowed.returned).toBeLessThanOrEqual(10);
    // Scanning every match would read at least 120 rows for the broad word.
    expect(broad.read).toBeLessThan(120);
  });

  it("directory order: accepting first, then name (case-insensitive), then id", async () => {
    const industry = `Dir${token()}`;
    const zed = await insertExpert({ displayName: "zed", industry });
    const amy = await insertExpert({ displayName: "Amy", industry, accepting: false });
    const bob1 = await insertExpert({ displayName: "Bob", industry });
    const bob2 = await insertExpert({ displayName: "bob", industry });
    const cat = await insertExpert({ displayName: "Cat", industry, accepting: false });
    const { seen, pages } = await walk({ industry });
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual([...[bob1, bob2].sort(), zed, amy, cat]);
    // A filter on accepting reads one group only.
    expect((await walk({ industry, accepting: "false" })).seen).toEqual([amy, cat]);
  });

  it("refuses a cursor from the other kind of listing", async () => {
    const industry = `Dir${token()}`;
    await insertExpert({ industry });
    await insertExpert({ industry });
    const page = await search({ industry, limit: "1" });
    expect(page.nextCursor).toBeTruthy();
    await expectProblem(await call(`/api/experts?q=x&cursor=${page.nextCursor}`), 400);
  });
});

describe("the search index follows writes", () => {
  it("a headline change through the API is searchable at once; so are name and bio changes", async () => {
    const user = await signUp({ role: "expert", displayName: "Trigger Test" });
    await verifyExpert(user.id);
    const word = token();
    expect(ids(await search({ q: word }))).toEqual([]);
    const patch = await call("/api/me/profile", {
      method: "PATCH",
      cookie: user.cookie,
      json: { expert: { headline: `${word} architect` } },
    });
    expect(patch.status).toBe(200);
    expect(ids(await search({ q: word }))).toEqual([user.id]);

    const name = token();
    const bio = token();
    await call("/api/me/profile", { method: "PATCH", cookie: user.cookie, json: { displayName: name, bio } });
    expect(ids(await search({ q: name }))).toEqual([user.id]);
    expect(ids(await search({ q: bio }))).toEqual([user.id]);
    // The old headline word is gone once replaced.
    await call("/api/me/profile", {
      method: "PATCH",
      cookie: user.cookie,
      json: { expert: { headline: "CTO" } },
    });
    expect(ids(await search({ q: word }))).toEqual([]);
  });

  it("skills and topics are indexed as words", async () => {
    const word = token();
    const id = await insertExpert();
    await env.DB.prepare("update expert_profiles set skills = ?, topics = ? where user_id = ?")
      .bind(JSON.stringify([`${word}-kotlin`]), JSON.stringify(["Tóm topic"]), id)
      .run();
    expect(ids(await search({ q: `${word} kot` }))).toEqual([id]);
    expect(ids(await search({ q: `${word} tom` }))).toEqual([id]);
  });

  it("deleting a user removes them from the index (cascade fires the trigger)", async () => {
    const word = token();
    const id = await insertExpert({ headline: word });
    expect(ids(await search({ q: word }))).toEqual([id]);
    await env.DB.prepare("delete from users where id = ?").bind(id).run();
    expect(ids(await search({ q: word }))).toEqual([]);
    const left = await env.DB.prepare("select count(*) as n from expert_search where user_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });

  it("filters inside the index are exact and follow every write (accepting, availability, campus ties)", async () => {
    const word = token();
    const id = await insertExpert({
      headline: word,
      industry: "Énergie Verte",
      skills: ["Machine Learning"],
      availability: [window(2)],
    });
    const found = async (params: Record<string, string>) => ids(await search({ q: word, ...params }));
    // Equality that ignores ASCII case, like the listing's; a part of a value is not the value.
    expect(await found({ industry: "éNERGIE VERTE" })).toEqual([]);
    expect(await found({ industry: "Énergie verte", skills: "machine learning" })).toEqual([id]);
    expect(await found({ industry: "Énergie" })).toEqual([]);
    expect(await found({ skills: "machine" })).toEqual([]);
    // 2026-12-01 is a Tuesday (weekday 2).
    expect(await found({ availableFrom: "2026-12-01", availableTo: "2026-12-01" })).toEqual([id]);
    expect(await found({ availableFrom: "2026-12-02", availableTo: "2026-12-03" })).toEqual([]);
    expect(await found({ campus: "um" })).toEqual([]);

    await env.DB.prepare(
      "update expert_profiles set accepting_invitations = 0, campus_ties = ?, availability = ? where user_id = ?",
    )
      .bind(JSON.stringify(["um"]), JSON.stringify([window(3)]), id)
      .run();
    expect(await found({ accepting: "true" })).toEqual([]);
    expect(await found({ accepting: "false", campus: "um" })).toEqual([id]);
    expect(await found({ availableFrom: "2026-12-02", availableTo: "2026-12-02" })).toEqual([id]);
    // Filter tokens are not words: typing one finds nothing.
    expect(ids(await search({ q: "a0" }))).not.toContain(id);
    const rows = await env.DB.prepare("select count(*) as n from expert_search where user_id = ?")
      .bind(id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("changing a student's name touches no index row", async () => {
    const id = await insertStudent();
    const name = token();
    await env.DB.prepare("update users set display_name = ? where id = ?").bind(name, id).run();
    expect(ids(await search({ q: name }))).toEqual([]);
  });
});

describe("GET /api/experts/{id}", () => {
  const HOUR = 3_600_000;
  const T0 = Date.UTC(2026, 0, 5, 9);

  async function insertInvitation(
    expertId: string,
    requesterId: string,
    fields: { sentAt: number | null; respondedAt: number | null; status: string },
  ): Promise<string> {
    const id = crypto.randomUUID();
    await env.DB.prepare(
      `insert into invitations (id, requester_id, expert_id, created_by, kind, title, agenda, duration_minutes,
        format, audience_size, language, response_deadline, status, sent_at, responded_at, created_at, updated_at)
       values (?, ?, ?, ?, 'talk', 'A talk', 'Agenda', 60, 'online', 30, 'en', ?, ?, ?, ?, ?, ?)`,
    )
      .bind(
        id,
        requesterId,
        expertId,
        requesterId,
        T0 + 7 * 24 * HOUR,
        fields.status,
        fields.sentAt,
        fields.respondedAt,
        T0,
        T0,
      )
      .run();
    return id;
  }

  async function insertReview(
    invitationId: string,
    authorId: string,
    subjectId: string,
    rating: number,
    at: number,
  ) {
    await env.DB.prepare(
      "insert into reviews (id, invitation_id, author_id, subject_id, rating, body, created_at) values (?, ?, ?, ?, ?, ?, ?)",
    )
      .bind(crypto.randomUUID(), invitationId, authorId, subjectId, rating, `Rated ${rating}`, at)
      .run();
  }

  it("computes the track record from invitations and reviews", async () => {
    const expert = await insertExpert({ displayName: "Track Record", headline: "Mentor" });
    const other = await insertExpert();
    const students = await Promise.all(Array.from({ length: 6 }, (_, i) => insertStudent(`Student ${i}`)));
    const s0 = students[0] as string;
    const at = (hours: number) => T0 + hours * HOUR;
    // Sent and answered after 1 h, 2 h, 4 h 20 min and 10 h; one sent, still unanswered.
    const invitations = [
      await insertInvitation(expert, s0, { sentAt: T0, respondedAt: at(2), status: "scheduled" }),
      await insertInvitation(expert, s0, { sentAt: T0, respondedAt: at(1), status: "completed" }),
      await insertInvitation(expert, s0, { sentAt: T0, respondedAt: at(10), status: "declined" }),
      await insertInvitation(expert, s0, {
        sentAt: T0,
        respondedAt: at(4) + 20 * 60_000,
        status: "completed",
      }),
      await insertInvitation(expert, s0, { sentAt: T0, respondedAt: null, status: "sent" }),
    ];
    // Not counted: a draft (never sent), and an invitation to someone else.
    await insertInvitation(expert, s0, { sentAt: null, respondedAt: null, status: "draft" });
    await insertInvitation(other, s0, { sentAt: T0, respondedAt: at(100), status: "completed" });

    const ratings = [5, 4, 4, 3, 5, 2];
    for (const [i, rating] of ratings.entries())
      await insertReview(invitations[1] as string, students[i] as string, expert, rating, at(100 + i));
    // The expert's own review of a student is about the student.
    await insertReview(invitations[1] as string, expert, s0, 1, at(200));

    const response = await call(`/api/experts/${expert}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      profile: { id: string; role: string; expert: { headline: string } };
      trackRecord: Record<string, unknown> & { recentReviews: { rating: number; author: { id: string } }[] };
    };
    expect(body.profile).toMatchObject({
      displayName: "Track Record",
      role: "expert",
      expert: { headline: "Mentor" },
    });
    const { recentReviews, ...numbers } = body.trackRecord;
    expect(numbers).toEqual({
      received: 5,
      responded: 4,
      responseRate: 0.8,
      // Even count: the mean of 2 h and 4 h 20 min.
      medianResponseHours: 3.2,
      sessionsCompleted: 2,
      eventsDelivered: 0,
      attendees: 0,
      averageRating: 3.8,
      reviewCount: 6,
    });
    expect(recentReviews.map((r) => r.rating)).toEqual([2, 5, 3, 4, 4]);
    expect(recentReviews[0]).toEqual({
      rating: 2,
      body: "Rated 2",
      createdAt: new Date(at(105)).toISOString(),
      author: { id: students[5], displayName: "Student 5" },
    });
  });

  it("an odd count takes the middle value; a new expert has nulls, not zeros", async () => {
    const expert = await insertExpert();
    const student = await insertStudent();
    for (const hours of [30, 1, 5])
      await insertInvitation(expert, student, {
        sentAt: T0,
        respondedAt: T0 + hours * HOUR,
        status: "accepted",
      });
    const { trackRecord } = (await (await call(`/api/experts/${expert}`)).json()) as {
      trackRecord: Record<string, unknown>;
    };
    expect(trackRecord).toMatchObject({ received: 3, responded: 3, responseRate: 1, medianResponseHours: 5 });

    const fresh = await insertExpert();
    const empty = (await (await call(`/api/experts/${fresh}`)).json()) as { trackRecord: unknown };
    expect(empty.trackRecord).toEqual({
      received: 0,
      responded: 0,
      responseRate: null,
      medianResponseHours: null,
      sessionsCompleted: 0,
      eventsDelivered: 0,
      attendees: 0,
      averageRating: null,
      reviewCount: 0,
      recentReviews: [],
    });
  });

  it("404 for a student and for an unknown id; 400 for a malformed id", async () => {
    await expectProblem(await call(`/api/experts/${await insertStudent()}`), 404);
    await expectProblem(await call(`/api/experts/${crypto.randomUUID()}`), 404);
    await expectProblem(await call("/api/experts/not-a-uuid"), 400);
  });
});

describe("query plans of the two hot queries", () => {
  const db = createDb(env.DB);
  async function plan(query: ReturnType<typeof sql>) {
    const rows = await db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${query}`);
    return rows.map((row) => row.detail);
  }

  it("search: each tier's FTS scan gives rows in rowid order (no sort), rows are joined by primary key", async () => {
    for (const after of [null, { k: "r", t: 2, rid: 1000 } as const]) {
      const details = await plan(relevanceQuery('"pay"*', ['"v1"'], after, 21));
      console.log(["search plan:", ...details].join("\n"));
      // FTS5's plan: INDEX <flags>:<constraints>. Flags 64 | 128 = ORDER BY rowid DESC consumed, so it
      // stops after the LIMIT; "M" = the MATCH, "<" = the cursor's rowid seek (in its tier only).
      const scans = details.filter((d) => d.startsWith("SCAN expert_search VIRTUAL TABLE INDEX"));
      expect(scans).toHaveLength(after ? 2 : 3);
      for (const scan of scans) {
        const [, flags, constraints] = /INDEX (\d+):(\S*)/.exec(scan) ?? [];
        expect(Number(flags) & 192).toBe(192);
        expect(constraints).toMatch(/^M/);
      }
      expect(scans.filter((scan) => /INDEX \d+:\S*</.test(scan))).toHaveLength(after ? 1 : 0);
      expect(details.some((d) => d.includes("TEMP B-TREE"))).toBe(false);
      expect(details).toContain("SEARCH users USING INDEX sqlite_autoindex_users_1 (id=?)");
      expect(details).toContain(
        "SEARCH expert_profiles USING INDEX sqlite_autoindex_expert_profiles_1 (user_id=?)",
      );
      expect(details.some((d) => /^SCAN (users|expert_profiles)\b/.test(d))).toBe(false);
    }
  });

  it("directory: walks a name-ordered expert_profiles index (per industry when filtered) and seeks from the cursor; no scan, no sort", async () => {
    const first = await plan(directoryQuery(filterConditions({ limit: 20 }), 1, null, 21));
    expect(first.some((d) => d.includes("expert_profiles_directory_idx (accepting_invitations=?)"))).toBe(
      true,
    );
    const next = await plan(
      directoryQuery(filterConditions({ limit: 20 }), 1, { k: "d", a: 1, n: "Bob", id: "x" }, 21),
    );
    expect(
      next.some((d) => d.includes("expert_profiles_directory_idx (accepting_invitations=? AND sort_name>?)")),
    ).toBe(true);
    const industry = await plan(
      directoryQuery(filterConditions({ limit: 20, industry: "Fintech" }), 1, null, 21),
    );
    expect(
      industry.some((d) =>
        d.includes("expert_profiles_industry_directory_idx (industry=? AND accepting_invitations=?)"),
      ),
    ).toBe(true);
    console.log(
      ["directory plan:", ...first, "", "next page:", ...next, "", "industry:", ...industry].join("\n"),
    );
    for (const details of [first, next, industry]) {
      expect(details.some((d) => /^SCAN (users|expert_profiles)\b/.test(d))).toBe(false);
      expect(details.some((d) => d.includes("TEMP B-TREE"))).toBe(false);
      expect(details).toContain("SEARCH users USING INDEX sqlite_autoindex_users_1 (id=?)");
    }
  });
});
