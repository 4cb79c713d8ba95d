import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoStudents } from "../../worker/src/dev/seed-data";
import { launchBrowser } from "./browser";
import { base, collectPageErrors, png, signedIn } from "./helpers";

/** Ben, who reads Ana's note; Ana mentions him by his seeded name. */
const BEN_NAME = demoStudents()[46]?.displayName ?? "";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("atas-link: notes", () => {
  it("a student posts a note with two photos, likes, collects and discusses it; another student reads the thread", async () => {
    const stamp = Date.now();
    const title = `Library study spots ${stamp}`;
    const ana = await signedIn(browser, "student42@u.nus.edu", "/notes/new");
    const errors = collectPageErrors(ana);

    // The photo input waits for hydration: the browser resizes and uploads the photos itself.
    const photos = ana.getByTestId("note-photos");
    await expect.poll(() => photos.isEnabled()).toBe(true);
    // A wrong file type is refused inline, before anything is uploaded.
    await photos.setInputFiles([{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") }]);
    await expect
      .poll(() => ana.getByRole("alert").allTextContents())
      .toContainEqual(expect.stringContaining("notes.txt is not a PNG"));
    await photos.setInputFiles([
      // Larger than the display size: the browser sends a 1080px copy along with the original.
      { name: "wide.png", mimeType: "image/png", buffer: png(1600, 1200, [220, 40, 60]) },
      { name: "tall.png", mimeType: "image/png", buffer: png(48, 64, [30, 90, 200]) },
    ]);
    await expect.poll(() => ana.getByTestId("composer-images").locator("img").count()).toBe(2);
    await ana.getByTestId("note-title").fill(title);
    const body = ana.getByTestId("note-body");
    await body.fill("Quiet corners on level 3 #StudyTips and #library_life.\nBring a jacket. Ask ");
    // Typing @ and a name offers people to mention; picking one completes the name.
    await body.press("End");
    await body.pressSequentially(`@${BEN_NAME}`, { delay: 15 });
    await ana.getByRole("button", { name: `Mention ${BEN_NAME}` }).click();
    await ana.getByTestId("post-note").click();

    // The note page: both photos in the carousel, sized before they load, the text with topic links.
    await ana.waitForURL((url) => /^\/notes\/[0-9a-f-]{36}$/.test(url.pathname));
    const notePath = new URL(ana.url()).pathname;
    // The post left its D1 bookmark in a cookie, so her next pages read at least that new (docs/scale.md).
    const bookmark = (await ana.context().cookies()).find((c) => c.name === "atas_d1");
    expect(bookmark).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect(bookmark?.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
    await expect.poll(() => ana.getByTestId("note-title").textContent()).toBe(title);
    const slides = ana.getByTestId("carousel-image");
    expect(await slides.count()).toBe(2);
    expect(await slides.nth(0).getAttribute("width")).toBe("1600");
    expect(await slides.nth(1).getAttribute("height")).toBe("64");
    await ana.getByTestId("carousel-next").click();
    for (const i of [0, 1])
      await expect
        .poll(() => slides.nth(i).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
        .toBe(true);
    await expect.poll(() => ana.getByTestId("carousel-prev").isEnabled()).toBe(true);
    // The page shows the display version: resized in the browser, the original kept as uploaded.
    expect(await slides.nth(0).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1080);
    expect(await slides.nth(1).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(48);
    const topic = ana.getByTestId("note-body").getByRole("link", { name: "#StudyTips" });
    expect(await topic.getAttribute("href")).toBe("/topics/studytips");
    expect(await ana.getByTestId("note-body").textContent()).toContain("Bring a jacket.");
    const mention = ana.getByTestId("note-body").getByRole("link", { name: `@${BEN_NAME}` });
    expect(await mention.getAttribute("href")).toMatch(/^\/u\/[0-9a-f-]{36}$/);

    // Like: the count moves at once (optimistic) and, once the API has answered, stays after a reload.
    const likedNote = ana.waitForResponse(
      (r) => r.request().method() === "POST" && r.url().includes(notePath),
    );
    await ana.getByTestId("like").click();
    await expect.poll(() => ana.getByTestId("like-count").textContent()).toBe("1");
    await expect.poll(() => ana.getByTestId("like").getAttribute("aria-pressed")).toBe("true");
    expect((await likedNote).ok()).toBe(true);
    const reloaded = ana.waitForRequest(
      (r) => r.method() === "GET" && new URL(r.url()).pathname === notePath,
    );
    await ana.reload();
    expect(await (await reloaded).headerValue("cookie")).toMatch(/(^|; )atas_d1=[0-9a-f-]+/);
    await expect.poll(() => ana.getByTestId("like-count").textContent()).toBe("1");

    // Opened the way without JavaScript (`?collect=1`, as a click before hydration does), the
    // dialog stays open once the page hydrates.
    await ana.goto(`${base()}${notePath}?collect=1`);
    await ana.locator('button[data-testid="collect"]').waitFor();
    await ana.getByTestId("collect-dialog").waitFor();
    await ana.getByTestId("collect-dialog").getByRole("button", { name: "Close" }).click();
    await expect.poll(() => ana.getByTestId("collect-dialog").isVisible()).toBe(false);

    // Collect into a new private board, from the dialog.
    await ana.getByTestId("collect").click();
    const dialog = ana.getByTestId("collect-dialog");
    await dialog.waitFor();
    await dialog.getByTestId("board-name").fill(`Study ${stamp}`);
    await dialog.getByRole("checkbox").check();
    await dialog.getByTestId("board-create").click();
    await expect.poll(() => dialog.getByTestId("collect-done").textContent()).toContain(`Study ${stamp}`);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect.poll(() => ana.getByTestId("collect").getAttribute("aria-pressed")).toBe("true");

    // A comment, then a reply to it.
    await ana.getByTestId("comment-body").fill(`Which floor has sockets? ${stamp}`);
    await ana.getByTestId("comment-send").first().click();
    const comment = ana.getByTestId("comment").filter({ hasText: `Which floor has sockets? ${stamp}` });
    await comment.waitFor();
    await comment.getByTestId("comment-reply").click();
    await ana.getByTestId("reply-body").fill(`Level 3, by the windows ${stamp}`);
    await ana.getByTestId("reply-body").press("Tab");
    await ana.locator("form:has([data-testid=reply-body])").getByTestId("comment-send").click();
    await ana.locator(".comment-replies").getByText(`Level 3, by the windows ${stamp}`).waitFor();
    await expect.poll(() => ana.locator("#comments-title").textContent()).toContain("2");

    // Her profile shows the note in her grid, and the board under Boards with the note in it.
    await ana.getByTestId("note-author").click();
    await ana.waitForURL((url) => url.pathname.startsWith("/u/"));
    await ana.getByTestId("note-card").filter({ hasText: title }).waitFor();
    await ana.getByTestId("tab-boards").click();
    await ana.getByRole("link", { name: new RegExp(`Study ${stamp}`) }).click();
    await ana.waitForURL((url) => url.pathname.startsWith("/boards/"));
    await ana.getByTestId("note-card").filter({ hasText: title }).waitFor();

    // Another student sees the note, the comment and the reply, and likes the comment.
    const ben = await signedIn(browser, "student47@u.nus.edu", notePath);
    errors.push(...collectPageErrors(ben));
    await ben.getByText(`Which floor has sockets? ${stamp}`).waitFor();
    await ben.locator(".comment-replies").getByText(`Level 3, by the windows ${stamp}`).waitFor();
    expect(await ben.getByTestId("like-count").textContent()).toBe("1");
    const theirs = ben.getByTestId("comment").filter({ hasText: `Which floor has sockets? ${stamp}` });
    expect(await theirs.getByTestId("comment-delete").count()).toBe(0);
    // Optimistic first; the reload shows what the API stored.
    const liked = ben.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(notePath));
    await theirs.getByTestId("comment-like").click();
    await expect.poll(() => theirs.getByTestId("comment-like").getAttribute("aria-pressed")).toBe("true");
    expect((await liked).status()).toBe(200);
    await ben.reload();
    await expect
      .poll(() =>
        ben
          .getByTestId("comment")
          .filter({ hasText: `Which floor has sockets? ${stamp}` })
          .getByTestId("comment-like")
          .textContent(),
      )
      .toBe("1");

    // A note id that does not exist is the app's 404 page.
    const missing = await ben.goto(`${base()}/notes/00000000-0000-4000-8000-000000000000`);
    expect(missing?.status()).toBe(404);

    expect(errors).toEqual([]);
  });
});
