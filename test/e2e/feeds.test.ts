import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { base, noteCard as card, collectPageErrors, myId, signedIn, waitForCard } from "./helpers";

let browser: Browser;
let follower: Page;
let author: Page;
let reader: Page;

// Seeded students no other browser test uses, with no connections or follows (the seed links 01–20 only).
const FOLLOWER = "student43@siswa.ukm.edu.my";
const AUTHOR = "student48@siswa.ukm.edu.my";
const BROWSER = "student33@siswa.ukm.edu.my";
const PHONE = { viewport: { width: 390, height: 844 } };

/** A same-origin API call from the page, with the CSRF proof the app's own fetches carry. */
async function api(page: Page, method: string, path: string, body?: unknown): Promise<number> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const response = await fetch(path, {
        method,
        headers: { "content-type": "application/json", "x-atas-csrf": "1" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return response.status;
    },
    { method, path, body },
  );
}

/**
 * Posts a public note the way the composer does: a real PNG drawn on a canvas is uploaded through
 * the API, then the note is created with it. Returns the note's id.
 */
async function postNote(page: Page, note: { title: string; body: string; color: string }): Promise<string> {
  return page.evaluate(async ({ title, body, color }) => {
    const canvas = document.createElement("canvas");
    canvas.width = 300;
    canvas.height = 400;
    const paint = canvas.getContext("2d");
    if (!paint) throw new Error("no 2d canvas");
    paint.fillStyle = color;
    paint.fillRect(0, 0, 300, 400);
    const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
    if (!png) throw new Error("canvas gave no PNG");
    const form = new FormData();
    form.append("original", new File([png], "cover.png", { type: "image/png" }));
    const upload = await fetch("/api/note-images", {
      method: "POST",
      headers: { "x-atas-csrf": "1" },
      body: form,
    });
    if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
    const { image } = (await upload.json()) as { image: { id: string } };
    const created = await fetch("/api/notes", {
      method: "POST",
      headers: { "content-type": "application/json", "x-atas-csrf": "1" },
      body: JSON.stringify({ title, body, imageIds: [image.id], visibility: "public" }),
    });
    if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
    return ((await created.json()) as { note: { id: string } }).note.id;
  }, note);
}

beforeAll(async () => {
  browser = await launchBrowser();
  follower = await signedIn(browser, FOLLOWER, "/following", PHONE);
  author = await signedIn(browser, AUTHOR, "/discover", PHONE);
  reader = await signedIn(browser, BROWSER, "/discover", PHONE);
});
afterAll(async () => {
  await browser?.close();
});

describe("atas-link feeds, search and topics", () => {
  it("following shows a followed author's new note; discover's Not interested sticks; search highlights it; its topic lists it", async () => {
    const errors = [follower, author, reader].flatMap((page) => collectPageErrors(page));

    // Nobody followed yet: the following feed says so and suggests where to start.
    await follower.getByTestId("following-empty").waitFor();

    // The follower follows the author (through the API, as the profile's button does).
    expect(await api(follower, "PUT", `/api/follows/${await myId(author)}`)).toBe(200);

    // The author posts two notes with a photo each; the first names a rare word and a fresh #topic.
    const stamp = Date.now().toString(36);
    const word = `quokkafest${stamp}`;
    const topic = `campuslife${stamp}`;
    const title = `Sunrise at the lake ${stamp}`;
    const noteId = await postNote(author, {
      title,
      body: `We met at dawn for the ${word} walk. #${topic}`,
      color: "#f59e0b",
    });
    const otherId = await postNote(author, {
      title: `Library corner ${stamp}`,
      body: `Quiet desks on level three. #${topic}`,
      color: "#0ea5e9",
    });

    // The follower's Following tab shows it, in the two-column grid.
    await waitForCard(follower, "/following", noteId);
    expect(await follower.getByTestId("tab-following").getAttribute("aria-current")).toBe("page");
    await card(follower, noteId).getByRole("link", { name: title }).click();
    await follower.waitForURL((url) => url.pathname === `/notes/${noteId}`);

    // Discover shows notes to a reader who follows nobody; "Not interested" removes one at once…
    await waitForCard(reader, "/discover", noteId);
    await card(reader, otherId).waitFor();
    await card(reader, noteId).getByTestId("note-menu").locator("summary").click();
    const dismissed = reader.waitForResponse(
      (response) =>
        response.request().method() === "POST" && new URL(response.url()).pathname.startsWith("/discover"),
    );
    await card(reader, noteId).getByTestId("not-interested").click();
    // Removed before the server answers (optimistic), but rendered in a transition: poll, never read once.
    await expect.poll(() => card(reader, noteId).count()).toBe(0);
    expect((await dismissed).ok()).toBe(true);
    expect(await card(reader, otherId).count()).toBe(1);
    // …and it stays gone after a reload.
    await reader.reload();
    await card(reader, otherId).waitFor();
    expect(await card(reader, noteId).count()).toBe(0);

    // Search from the feed's search box finds the note by a word of its body, the match highlighted.
    await reader.getByTestId("feed-search").fill(word);
    await reader.getByTestId("feed-search").press("Enter");
    await reader.waitForURL((url) => url.pathname === "/search");
    const hit = reader.getByTestId("search-hit").filter({ hasText: title });
    await hit.waitFor();
    expect(await hit.locator("mark").allTextContents()).toContain(word);
    await hit.getByRole("link", { name: new RegExp(title) }).click();
    await reader.waitForURL((url) => url.pathname === `/notes/${noteId}`);

    // The topic page lists both notes; following the topic flips the button and survives a reload.
    await reader.goto(`${base()}/topics/${topic}`);
    expect(await reader.getByTestId("topic-title").textContent()).toBe(`#${topic}`);
    await card(reader, noteId).waitFor();
    await card(reader, otherId).waitFor();
    const follow = reader.getByTestId("topic-follow");
    expect(await follow.getAttribute("aria-pressed")).toBe("false");
    // The button flips before the server answers (optimistic); the reload must wait for the answer
    // (networkidle is the page load's state and can pass before the post is stored).
    const followed = reader.waitForResponse(
      (response) =>
        response.request().method() === "POST" && new URL(response.url()).pathname.startsWith("/topics/"),
    );
    await follow.click();
    await expect.poll(() => follow.getAttribute("aria-pressed")).toBe("true");
    expect((await followed).ok()).toBe(true);
    await reader.reload();
    expect(await reader.getByTestId("topic-follow").getAttribute("aria-pressed")).toBe("true");

    // Two fresh public notes put the topic on discover's trending strip (its lists are refreshed by
    // the ten-minute feeds cron, fired here through wrangler's scheduled route), which links to its page.
    const trending = reader.getByTestId("trending-topic").filter({ hasText: `#${topic}` });
    await expect
      .poll(
        async () => {
          await fetch(`${base()}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/10 * * * *")}`);
          await reader.goto(`${base()}/discover`);
          return trending.count();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(1);
    await trending.click();
    await reader.waitForURL((url) => url.pathname === `/topics/${topic}`);

    // Search by topic leads to the same page.
    await reader.goto(`${base()}/search?q=${topic}&type=topics`);
    await reader
      .getByTestId("search-hit")
      .filter({ hasText: `#${topic}` })
      .getByRole("link")
      .click();
    await reader.waitForURL((url) => url.pathname === `/topics/${topic}`);

    expect(errors).toEqual([]);
  });

  it("visitors see public notes on discover, reach it from the main navigation, and scroll into the next page", async () => {
    // More than a page of public notes, all posted through the API (so whatever the seed holds).
    const stamp = Date.now().toString(36);
    for (const [i, page] of [follower, reader, author].entries())
      for (let n = 0; n < 7; n++)
        await postNote(page, {
          title: `Study spot ${i}-${n} ${stamp}`,
          body: "Good light, quiet.",
          color: "#a78bfa",
        });

    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${base()}/`);
    await page.getByTestId("nav-discover").click();
    await page.waitForURL((url) => url.pathname === "/discover");
    await page.getByTestId("note-card").first().waitFor();
    // "Not interested" shapes a personal feed: visitors get no menu.
    expect(await page.getByTestId("note-menu").count()).toBe(0);

    // The server renders the first page (the demo notes and this file's make more than one); scrolling
    // to the end appends the next one, each note once.
    const ids = () =>
      page
        .getByTestId("note-card")
        .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-note-id")));
    expect(await ids()).toHaveLength(20);
    await page.getByTestId("load-more").waitFor();
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect.poll(async () => (await ids()).length).toBeGreaterThan(20);
    const shown = await ids();
    expect(new Set(shown).size).toBe(shown.length);
    // Following needs an account.
    await page.getByTestId("tab-following").click();
    await page.waitForURL((url) => url.pathname === "/login");
    expect(errors).toEqual([]);
    await context.close();
  });
});
