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

const STUDENT = "student01@siswa.um.edu.my";
const EXPERT = "aisyah.rahman@experts.atas.dev";
const MYT = { timezoneId: "Asia/Kuala_Lumpur" };
const ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** A public note with one small image, posted through the API as the page's own session. */
function postNote(page: Page, title: string, body: string): Promise<string> {
  return page.evaluate(
    async ({ title, body }) => {
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
        body: JSON.stringify({ title, body, visibility: "public", imageIds: [image.id] }),
      });
      if (posted.status !== 201) throw new Error(`post: ${posted.status}`);
      return ((await posted.json()) as { note: { id: string } }).note.id;
    },
    { title, body },
  );
}

describe("Ask this expert", () => {
  it("from an expert's note: the invite form opens prefilled, and the draft links the note", async () => {
    const expert = await signedIn(browser, EXPERT, "/", MYT);
    const title = `Payments at scale ${Date.now()}`;
    const body = "What two years of payment peaks taught us about retries and idempotency.";
    const noteId = await postNote(expert, title, body);

    // The expert does not ask themself.
    await expert.goto(`${base()}/notes/${noteId}`);
    await expert.getByTestId("note-title").waitFor();
    expect(await expert.getByTestId("ask-expert").count()).toBe(0);

    const student = await signedIn(browser, STUDENT, `/notes/${noteId}`, MYT);
    const errors = collectPageErrors(student);
    await student.getByTestId("ask-expert").click();
    await student.waitForURL(new RegExp(`/experts/${ID}/invite\\?note=${noteId}$`));
    const titleField = student.locator('input[name="title"]');
    await expect.poll(() => titleField.inputValue()).toBe(`Re: ${title}`);
    expect(await student.locator('textarea[name="agenda"]').inputValue()).toBe(body);
    expect(await student.locator('select[name="kind"]').inputValue()).toBe("talk");
    expect(await student.getByTestId("invite-source").textContent()).toContain(title);

    // Pick a time (the deadline fills itself) and save the draft: the invitation names its source.
    await student.getByTestId("slot-option").first().locator('input[type="checkbox"]').check();
    await expect.poll(() => student.getByTestId("response-deadline").inputValue()).toMatch(/^\d{4}-/);
    await student.getByTestId("invite-save-draft").click();
    await student.waitForURL(new RegExp(`/invitations/${ID}$`));
    const source = student.getByTestId("invitation-source");
    await source.waitFor();
    expect(await source.textContent()).toContain(title);
    expect(await source.locator("a").getAttribute("href")).toBe(`/notes/${noteId}`);
    expect(errors).toEqual([]);
  });
});
