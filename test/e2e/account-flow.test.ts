import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "./browser";
import { mailsFor } from "./helpers";

let browser: Browser;
const base = () => inject("baseUrl");

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function openMailFor(page: Page, email: string) {
  return (await mailsFor(page, email)).first();
}

describe("an account from sign-up to sign-out", () => {
  it("register → mailbox → verify link → log in → edit the profile → see it → log out", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const email = `e2e-${Date.now()}@siswa.um.edu.my`;
    const password = "a long enough passphrase";

    await page.goto(`${base()}/register`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', password);
    await page.fill('input[name="displayName"]', "Aina Browser");
    await page.selectOption('select[name="role"]', "student");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByTestId("register-done").waitFor();

    const mail = await openMailFor(page, email);
    await mail.locator('a[href*="/verify?token="]').first().click();
    await page.waitForURL(/\/verify\?token=/);
    await page.getByRole("button", { name: "Confirm my e-mail" }).click();
    await page.getByTestId("verify-done").waitFor();

    await page.goto(`${base()}/login`);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', password);
    await page.locator('form:has(input[name="password"]) button[type="submit"]').click();
    await page.waitForURL(/\/profile$/);
    await expect.poll(() => page.getByTestId("profile-name").textContent()).toContain("Aina Browser");
    await expect.poll(() => page.getByTestId("whoami").textContent()).toContain("Aina Browser");

    await page.goto(`${base()}/profile/edit`);
    await page.fill('textarea[name="bio"]', "Final-year CS student building campus tools.");
    await page.fill('input[name="displayName"]', "Aina B.");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.waitForURL(/\/profile$/);
    await expect.poll(() => page.getByTestId("profile-bio").textContent()).toContain("building campus tools");
    await expect.poll(() => page.getByTestId("profile-name").textContent()).toContain("Aina B.");

    await page.getByTestId("logout").click();
    await page.waitForURL((url) => url.pathname === "/");
    // The URL changes before React commits the revalidated header, so wait for it to re-render.
    await expect.poll(() => page.getByTestId("whoami").count()).toBe(0);
    await page.goto(`${base()}/profile`);
    await page.waitForURL(/\/login/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
