import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { alertText, base, collectPageErrors, DEMO_PASSWORD, hydrated, submitLogin } from "./helpers";

let browser: Browser;
let tempDir: string;
let pngPath: string;

/** A valid 1×1 PNG (checked chunk CRCs). */
const TINY_PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

beforeAll(async () => {
  browser = await launchBrowser();
  tempDir = await mkdtemp(join(tmpdir(), "atas-e2e-"));
  pngPath = join(tempDir, "avatar.png");
  await writeFile(pngPath, TINY_PNG);
});
afterAll(async () => {
  await browser?.close();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
});

/** True once the image has been fetched and decoded. */
function imageLoaded(img: Locator): Promise<boolean> {
  return img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0);
}

async function expectExpertFacts(page: Page, facts: { headline: string; industry: string }) {
  const profile = page.locator("article.profile");
  await expect.poll(() => profile.textContent()).toContain(facts.headline);
  expect(await profile.textContent()).toContain(facts.industry);
  expect(await profile.locator(".tag").allTextContents()).toEqual(
    expect.arrayContaining(["rust", "distributed systems", "mentoring"]),
  );
  expect(await profile.locator(".facts li").allTextContents()).toEqual(
    expect.arrayContaining(["Tue 19:00–21:00 (Asia/Kuala_Lumpur)", "Thu 08:30–10:00 (Asia/Singapore)"]),
  );
}

describe("an expert's profile", () => {
  it("expert fields and a photo are saved, shown on /profile and on the public page; bad lines come back", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const stamp = Date.now();
    const headline = `Principal engineer, payments ${stamp}`;
    const industry = "Fintech";

    await page.goto(`${base()}/login`);
    await submitLogin(page, "aisyah.rahman@experts.atas.dev", DEMO_PASSWORD);
    await page.waitForURL(/\/profile$/);
    await expect.poll(() => page.getByTestId("whoami").textContent()).toContain("Aisyah Rahman");

    await page.getByRole("link", { name: "Edit profile" }).click();
    await page.waitForURL(/\/profile\/edit$/);
    await page.fill('input[name="headline"]', headline);
    await page.fill('input[name="industry"]', industry);
    await page.fill('input[name="skills"]', "rust, distributed systems, mentoring");
    await page.fill(
      'textarea[name="availability"]',
      "Tue 19:00-21:00 Asia/Kuala_Lumpur\nthursday 8:30 - 10:00 Asia/Singapore",
    );
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.waitForURL(/\/profile$/);
    await expectExpertFacts(page, { headline, industry });

    // A line that does not parse: the error names the line, and everything typed stays in the form.
    await page.goto(`${base()}/profile/edit`);
    await hydrated(page);
    const typedHeadline = `Not saved ${stamp}`;
    const typedAvailability = "Tue 19:00-21:00 Asia/Kuala_Lumpur\nFunday 9:00-10:00 Asia/Kuala_Lumpur";
    await page.fill('input[name="headline"]', typedHeadline);
    await page.fill('textarea[name="availability"]', typedAvailability);
    await page.getByRole("button", { name: "Save profile" }).click();
    expect(await alertText(page)).toContain("Please check the form.");
    const availability = page.locator('textarea[name="availability"]');
    await expect.poll(() => availability.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(".field.has-error .field-error").allTextContents()).toEqual([
      "Line 2: unknown weekday",
    ]);
    expect(new URL(page.url()).pathname).toBe("/profile/edit");
    expect(await availability.inputValue()).toBe(typedAvailability);
    expect(await page.locator('input[name="headline"]').inputValue()).toBe(typedHeadline);
    expect(await page.locator('input[name="industry"]').inputValue()).toBe(industry);

    // The photo: straight to the API from the browser, then shown in place.
    await page.setInputFiles('input[name="avatar"]', pngPath);
    await page.getByRole("button", { name: "Upload photo" }).click();
    await page.getByRole("status").filter({ hasText: "Photo updated." }).waitFor();
    const preview = page.locator(".avatar-upload img.avatar");
    await expect.poll(() => imageLoaded(preview)).toBe(true);
    // The refused edit was not saved in passing.
    await page.goto(`${base()}/profile`);
    await expectExpertFacts(page, { headline, industry });
    expect(await page.locator("article.profile").textContent()).not.toContain(typedHeadline);
    await expect.poll(() => imageLoaded(page.locator(".profile-head img.avatar"))).toBe(true);
    const publicPath = await page.getByRole("link", { name: "View public page" }).getAttribute("href");
    expect(publicPath).toMatch(/^\/u\/[0-9a-f-]{36}$/);

    // Anyone, signed out, sees the same on the public page.
    const visitor = await browser.newContext();
    const visitorPage = await visitor.newPage();
    const visitorErrors = collectPageErrors(visitorPage);
    await visitorPage.goto(`${base()}${publicPath}`);
    expect(await visitorPage.getByTestId("whoami").count()).toBe(0);
    expect(await visitorPage.getByTestId("profile-name").textContent()).toBe("Aisyah Rahman");
    await expectExpertFacts(visitorPage, { headline, industry });
    await expect.poll(() => imageLoaded(visitorPage.locator(".profile-head img.avatar"))).toBe(true);
    expect(await visitorPage.getByRole("link", { name: "Edit profile" }).count()).toBe(0);

    expect(errors).toEqual([]);
    expect(visitorErrors).toEqual([]);
    await visitor.close();
    await context.close();
  });
});
