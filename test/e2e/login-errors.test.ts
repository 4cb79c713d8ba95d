import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import {
  alertText,
  base,
  collectPageErrors,
  DEMO_PASSWORD,
  mailsFor,
  register,
  submitLogin,
} from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const RESEND = "Resend the verification e-mail";

describe("logging in when it cannot work", () => {
  it("a wrong password shows an error and signs nobody in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);

    await page.goto(`${base()}/login`);
    await submitLogin(page, "student01@siswa.um.edu.my", "not the demo password");
    expect(await alertText(page)).toContain("E-mail or password is incorrect.");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.getByTestId("whoami").count()).toBe(0);
    expect(await page.getByRole("button", { name: RESEND }).count()).toBe(0);
    // The address stays filled in; the password does not.
    expect(await page.locator('input[name="email"]').inputValue()).toBe("student01@siswa.um.edu.my");

    expect(errors).toEqual([]);
    await context.close();
  });

  it("an unverified account is told so and can have the verification mail sent again", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const email = `e2e-unverified-${Date.now()}@siswa.um.edu.my`;
    const password = "a long enough passphrase";

    await register(page, { email, password, displayName: "Not Yet Verified" });
    await mailsFor(page, email, 1);

    await page.goto(`${base()}/login`);
    await submitLogin(page, email, password);
    expect(await alertText(page)).toContain("Verify your e-mail first. We can send the link again.");
    expect(await page.getByTestId("whoami").count()).toBe(0);
    await page.getByRole("button", { name: RESEND }).click();
    await page
      .getByRole("status")
      .filter({ hasText: "If that address has an unverified account, a new link is on its way." })
      .waitFor();

    const mails = await mailsFor(page, email, 2);
    expect(await mails.count()).toBe(2);
    expect(await mails.filter({ hasText: "Confirm your ATAS e-mail" }).count()).toBe(2);
    const links = await mails
      .locator('a[href*="/verify?token="]')
      .evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    expect(new Set(links).size).toBe(2);

    expect(errors).toEqual([]);
    await context.close();
  });

  it("a signed-out visit to /profile goes to /login and comes back after logging in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);

    await page.goto(`${base()}/profile`);
    await page.waitForURL(/\/login\?redirectTo=%2Fprofile$|\/login\?redirectTo=\/profile$/);
    expect(await page.locator("h1").textContent()).toBe("Log in");

    await page.goto(`${base()}/profile/edit`);
    await page.waitForURL(/\/login\?redirectTo=(%2F|\/)profile(%2F|\/)edit$/);
    await submitLogin(page, "club.computing@siswa.um.edu.my", DEMO_PASSWORD);
    await page.waitForURL(/\/profile\/edit$/);
    await expect.poll(() => page.getByTestId("whoami").textContent()).toContain("UM Computing Society");
    expect(await page.locator('input[name="name"]').inputValue()).toBe("UM Computing Society");

    expect(errors).toEqual([]);
    await context.close();
  });

  it("pages carry a nonce CSP and security headers, hydrate under them, and redirectTo cannot leave the site", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    // collectPageErrors also gathers what the CSP blocked.

    const response = await page.goto(`${base()}/login?redirectTo=/%09/evil.example`);
    const headers = response?.headers() ?? {};
    const csp = headers["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["permissions-policy"]).toContain("camera=()");
    // Every inline script carries the nonce; a fresh one each response.
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    const inline = await page
      .locator("script:not([src])")
      .evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
    expect(inline.length).toBeGreaterThan(0);
    expect(inline.every((n) => n === nonce)).toBe(true);
    const again = (await (await fetch(`${base()}/login`)).headers.get("content-security-policy")) ?? "";
    expect(again.match(/'nonce-([^']+)'/)?.[1]).not.toBe(nonce);
    // React hydrated the page: its nodes carry React's fiber keys.
    await expect
      .poll(() => page.locator("main").evaluate((el) => Object.keys(el).some((k) => k.startsWith("__react"))))
      .toBe(true);

    await submitLogin(page, "student01@siswa.um.edu.my", DEMO_PASSWORD);
    await page.waitForURL(/\/profile$/);
    expect(new URL(page.url()).origin).toBe(new URL(base()).origin);
    await page.goto(`${base()}/discover`);
    await page.getByTestId("whoami").waitFor();

    expect(errors).toEqual([]);
    await context.close();
  });
});
