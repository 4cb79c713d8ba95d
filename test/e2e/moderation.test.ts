import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { base, collectPageErrors, signedIn } from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const ADMIN = "admin@atas.dev";
// Seeded students no other browser test uses (the seed spreads students over five campuses in turn).
const AUTHOR = "student50@e.ntu.edu.sg";
const REPORTERS = ["student49@sd.taylors.edu.my", "student44@sd.taylors.edu.my", "student40@e.ntu.edu.sg"];

/** The people these tests sign in as keep Malaysian time. */
const MYT = { timezoneId: "Asia/Kuala_Lumpur" };

/** Posts a public note with one tiny PNG through the API, as the page's own fetch would. */
async function postNote(page: Page, title: string): Promise<string> {
  return page.evaluate(async (noteTitle) => {
    const headers = { "x-atas-csrf": "1" };
    const bytes = new Uint8Array(33);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    new DataView(bytes.buffer).setUint32(16, 2);
    new DataView(bytes.buffer).setUint32(20, 2);
    const form = new FormData();
    form.append("original", new File([bytes], "photo.png", { type: "image/png" }));
    const uploaded = await fetch("/api/note-images", { method: "POST", headers, body: form });
    if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status}`);
    const { image } = (await uploaded.json()) as { image: { id: string } };
    const posted = await fetch("/api/notes", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({
        title: noteTitle,
        body: "Selling answers to the finals",
        visibility: "public",
        imageIds: [image.id],
      }),
    });
    if (posted.status !== 201) throw new Error(`post: ${posted.status}`);
    return ((await posted.json()) as { note: { id: string } }).note.id;
  }, title);
}

const noteStatus = (page: Page, id: string) =>
  page.evaluate(async (noteId) => (await fetch(`/api/notes/${noteId}`)).status, id);

describe("moderation", () => {
  it("reports hide a note; an admin opens the review queue and restores it", async () => {
    const author = await signedIn(browser, AUTHOR, "/", MYT);
    const title = `Exam answers ${Date.now()}`;
    const id = await postNote(author, title);

    const reporters: Page[] = [];
    // One at a time: sign-ins hash passwords, and the machine is shared.
    for (const email of REPORTERS) reporters.push(await signedIn(browser, email, "/", MYT));
    // Two report through the API; the third through the note page's Report dialog.
    const [, , viaDialog] = reporters;
    for (const reporter of reporters.slice(0, 2)) {
      const status = await reporter.evaluate(
        async (noteId) =>
          (
            await fetch("/api/reports", {
              method: "POST",
              headers: { "x-atas-csrf": "1", "content-type": "application/json" },
              body: JSON.stringify({
                target: "note",
                id: noteId,
                reason: "spam",
                detail: "Cheating <b>ad</b>",
              }),
            })
          ).status,
        id,
      );
      expect(status).toBe(201);
    }
    const [firstReporter] = reporters;
    if (!firstReporter || !viaDialog) throw new Error("no reporter");
    expect(await noteStatus(firstReporter, id)).toBe(200);
    await viaDialog.goto(`${base()}/notes/${id}`);
    const reporterErrors = collectPageErrors(viaDialog);
    // The button (not the no-JavaScript disclosure) once the page is hydrated.
    await viaDialog.locator('button[data-testid="report"]').first().click();
    const dialog = viaDialog.getByTestId("report-dialog").first();
    await dialog.getByLabel("Harassment or bullying").check();
    await dialog.locator('textarea[name="detail"]').fill("Cheating <b>ad</b>");
    await dialog.getByTestId("report-submit").click();
    await dialog.getByTestId("report-done").waitFor();
    expect(await noteStatus(firstReporter, id)).toBe(404);
    expect(reporterErrors).toEqual([]);

    const admin = await signedIn(browser, ADMIN, "/admin", MYT);
    const errors = collectPageErrors(admin);
    await admin.getByTestId("admin-reports-link").click();
    await admin.waitForURL((url) => url.pathname === "/admin/reports");
    const item = admin.locator(`[data-testid="report-item"][data-target-id="${id}"]`);
    await item.waitFor();
    expect(await item.getByTestId("report-count").textContent()).toContain("3");
    await item.getByTestId("report-hidden").waitFor();
    expect(await item.textContent()).toContain(title);
    expect(await item.textContent()).toContain("Spam × 2");
    expect(await item.textContent()).toContain("Harassment or bullying × 1");
    // The reporter's words are shown as text, never as markup.
    expect(await item.textContent()).toContain("Cheating <b>ad</b>");

    await item.getByTestId("decide-restore").click();
    await admin.getByTestId("decision-done").waitFor();
    await expect.poll(() => item.count()).toBe(0);
    expect(await noteStatus(firstReporter, id)).toBe(200);
    expect(errors).toEqual([]);
  });
});
