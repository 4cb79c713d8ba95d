import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoStudents } from "../../worker/src/dev/seed-data";
import { launchBrowser } from "./browser";
import { base, collectPageErrors, myId, noteCard, png, signedIn, waitForCard } from "./helpers";

// Seeded students no other browser test uses, with no connections or follows (the seed links 01–20 only).
const ANA = demoStudents()[22]; // student23
const BEN = demoStudents()[28]; // student29

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("atas-link: the whole flow", () => {
  it("a note with two photos reaches a follower's feed, gets a like, a collect and a comment, and search finds it", async () => {
    if (!ANA || !BEN) throw new Error("the seed has fewer demo students than this test expects");
    const stamp = Date.now().toString(36);
    const word = `wombatfair${stamp}`;
    const topic = `linkflow${stamp}`;
    const title = `Night market finds ${stamp}`;
    const board = `Weekend ${stamp}`;
    const comment = `Which stall had the best satay? ${stamp}`;

    const ana = await signedIn(browser, ANA.email, "/notes/new");
    const ben = await signedIn(browser, BEN.email, "/following");
    const errors = [ana, ben].flatMap((page) => collectPageErrors(page));
    // Ben follows nobody yet: the feed is empty.
    await ben.getByTestId("following-empty").waitFor();

    // 1. Ben follows Ana from her profile; the button flips and stays flipped after a reload.
    const anaId = await myId(ana);
    await ben.goto(`${base()}/u/${anaId}`);
    const follow = ben.getByTestId("follow");
    expect(await follow.getAttribute("aria-pressed")).toBe("false");
    const followed = ben.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith(`/u/${anaId}`),
    );
    await follow.click();
    await expect.poll(() => follow.getAttribute("aria-pressed")).toBe("true");
    expect((await followed).ok()).toBe(true);
    await ben.reload();
    expect(await ben.getByTestId("follow").getAttribute("aria-pressed")).toBe("true");

    // 2. Ana posts a note with two photos, a rare word and a fresh topic.
    const photos = ana.getByTestId("note-photos");
    await expect.poll(() => photos.isEnabled()).toBe(true);
    await photos.setInputFiles([
      { name: "stalls.png", mimeType: "image/png", buffer: png(640, 480, [240, 140, 20]) },
      { name: "lanterns.png", mimeType: "image/png", buffer: png(300, 400, [200, 30, 60]) },
    ]);
    await expect.poll(() => ana.getByTestId("composer-images").locator("img").count()).toBe(2);
    await ana.getByTestId("note-title").fill(title);
    await ana.getByTestId("note-body").fill(`Satay, kuih and a ${word} on the lawn. #${topic}`);
    await ana.getByTestId("post-note").click();
    await ana.waitForURL((url) => /^\/notes\/[0-9a-f-]{36}$/.test(url.pathname));
    const notePath = new URL(ana.url()).pathname;
    const noteId = notePath.slice("/notes/".length);
    await expect.poll(() => ana.getByTestId("note-title").textContent()).toBe(title);
    expect(await ana.getByTestId("carousel-image").count()).toBe(2);

    // 3. The fan-out queue puts it in Ben's following feed; he opens it from there.
    await waitForCard(ben, "/following", noteId);
    await noteCard(ben, noteId).getByRole("link", { name: title }).click();
    await ben.waitForURL((url) => url.pathname === notePath);
    // A client-side navigation: the URL changes before the note renders.
    await expect.poll(() => ben.getByTestId("note-title").textContent()).toBe(title);
    expect(await ben.getByTestId("carousel-image").count()).toBe(2);

    // He likes it: the count moves at once (optimistic) and, once the API has answered,
    // stays after a reload. Reloading before the answer would race the write.
    const liked = ben.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname.startsWith(notePath),
    );
    await ben.getByTestId("like").click();
    await expect.poll(() => ben.getByTestId("like-count").textContent()).toBe("1");
    await expect.poll(() => ben.getByTestId("like").getAttribute("aria-pressed")).toBe("true");
    expect((await liked).ok()).toBe(true);
    await ben.reload();
    await expect.poll(() => ben.getByTestId("like-count").textContent()).toBe("1");

    // He collects it into a new board from the dialog.
    await ben.getByTestId("collect").click();
    const dialog = ben.getByTestId("collect-dialog");
    await dialog.waitFor();
    await dialog.getByTestId("board-name").fill(board);
    await dialog.getByTestId("board-create").click();
    await expect.poll(() => dialog.getByTestId("collect-done").textContent()).toContain(board);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => ben.getByTestId("collect").getAttribute("aria-pressed")).toBe("true");

    // And he comments.
    await ben.getByTestId("comment-body").fill(comment);
    await ben.getByTestId("comment-send").first().click();
    await ben.getByTestId("comment").filter({ hasText: comment }).waitFor();

    // 4. Ana's reload shows the like, the collect and Ben's comment, signed with his name.
    await ana.reload();
    expect(await ana.getByTestId("like-count").textContent()).toBe("1");
    expect(await ana.getByTestId("collect").locator(".tab-count").textContent()).toBe("1");
    const theirs = ana.getByTestId("comment").filter({ hasText: comment });
    await theirs.waitFor();
    expect(await theirs.locator(".comment-head").textContent()).toContain(BEN.displayName);
    expect(await ana.locator("#comments-title").textContent()).toContain("1");

    // 5. Ben's search for the rare word finds the note, the word highlighted.
    await ben.goto(`${base()}/search`);
    await ben.getByTestId("search-input").fill(word);
    await ben.getByTestId("search-input").press("Enter");
    await ben.waitForURL((url) => url.pathname === "/search" && url.searchParams.get("q") === word);
    const hit = ben.getByTestId("search-hit").filter({ hasText: title });
    await hit.waitFor();
    expect(await hit.locator("mark").allTextContents()).toContain(word);
    await hit.getByRole("link", { name: new RegExp(title) }).click();
    await ben.waitForURL((url) => url.pathname === notePath);

    expect(errors).toEqual([]);
  });
});
