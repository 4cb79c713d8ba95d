import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { alertText, base, collectPageErrors, mailsFor, register, submitLogin } from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("a forgotten password", () => {
  it("forgot → reset mail → too-short refused → new password set → only the new one logs in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const email = `e2e-reset-${Date.now()}@siswa.um.edu.my`;
    const oldPassword = "the original passphrase";
    const newPassword = "a brand new passphrase";

    // Never verified: following the reset link proves the mailbox, so it verifies the address too.
    await register(page, { email, password: oldPassword, displayName: "Reset Tester" });

    await page.goto(`${base()}/login`);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL(/\/forgot-password$/);
    await page.fill('input[name="email"]', email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByTestId("forgot-done").waitFor();
    expect(await page.getByTestId("forgot-done").textContent()).toContain(email);

    const mails = await mailsFor(page, email, 2);
    const resetMail = mails.filter({ hasText: "Reset your ATAS password" });
    expect(await resetMail.count()).toBe(1);
    await resetMail.locator('a[href*="/reset-password?token="]').first().click();
    await page.waitForURL(/\/reset-password\?token=/);
    const passwordInput = page.locator('input[name="password"]');
    const save = page.getByRole("button", { name: "Save new password" });

    // The browser refuses a too-short password itself (minlength)…
    await passwordInput.fill("short");
    await save.click();
    expect(await passwordInput.evaluate((input: HTMLInputElement) => input.validity.tooShort)).toBe(true);
    expect(await page.getByTestId("reset-done").count()).toBe(0);
    // …and so does the server, without using up the link, when the browser's check is bypassed.
    await passwordInput.evaluate((input: HTMLInputElement) => input.removeAttribute("minlength"));
    await passwordInput.fill("short");
    await save.click();
    expect(await alertText(page)).toContain("Please check the form.");
    await expect.poll(() => page.locator(".field-error").textContent()).toContain("at least 8 characters");
    expect(await passwordInput.getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByTestId("reset-done").count()).toBe(0);

    await passwordInput.fill(newPassword);
    await save.click();
    await page.getByTestId("reset-done").waitFor();

    await page.goto(`${base()}/login`);
    await submitLogin(page, email, oldPassword);
    expect(await alertText(page)).toContain("E-mail or password is incorrect.");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.getByTestId("whoami").count()).toBe(0);

    await submitLogin(page, email, newPassword);
    await page.waitForURL(/\/profile$/);
    await expect.poll(() => page.getByTestId("whoami").textContent()).toContain("Reset Tester");

    // A reset link works once.
    const used = (await mailsFor(page, email, 2))
      .filter({ hasText: "Reset your ATAS password" })
      .locator('a[href*="/reset-password?token="]');
    const usedHref = await used.first().getAttribute("href");
    expect(usedHref).toBeTruthy();
    await page.goto(usedHref ?? "");
    await page.fill('input[name="password"]', "yet another passphrase");
    await page.getByRole("button", { name: "Save new password" }).click();
    expect(await alertText(page)).toContain("This link is invalid, used or expired.");
    expect(await page.getByRole("link", { name: "Ask for a new link" }).count()).toBe(1);

    expect(errors).toEqual([]);
    await context.close();
  });
});
