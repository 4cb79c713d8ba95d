import type { Locator, Page } from "playwright-core";
import { inject } from "vitest";

/** Shared steps of the browser tests; each test still opens its own context. */
export const base = () => inject("baseUrl");

/** The seeded demo accounts' password (scripts/platform.ts seeds them). */
export const DEMO_PASSWORD = "atas-demo-2026";

/** Uncaught errors in the page; the tests assert none happened (4xx console noise is expected and ignored). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/**
 * The dev mailbox's items addressed to `email` once at least `atLeast` have arrived (mail goes
 * through a queue, so it is polled with full reloads). Newest first.
 */
export async function mailsFor(page: Page, email: string, atLeast = 1): Promise<Locator> {
  const items = page.locator('[data-testid="mail-item"]', { hasText: email });
  let seen = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    await page.goto(`${base()}/dev/mail`);
    seen = await items.count();
    if (seen >= atLeast) return items;
    await page.waitForTimeout(250);
  }
  throw new Error(`expected ${atLeast} mail(s) for ${email} in the dev mailbox, found ${seen}`);
}

export async function register(
  page: Page,
  account: { email: string; password: string; displayName: string; role?: "student" | "expert" | "club" },
) {
  await page.goto(`${base()}/register`);
  await page.fill('input[name="email"]', account.email);
  await page.fill('input[name="password"]', account.password);
  await page.fill('input[name="displayName"]', account.displayName);
  await page.selectOption('select[name="role"]', account.role ?? "student");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByTestId("register-done").waitFor();
}

/** Fills and submits the login form of the current page (go to /login first, or land there by redirect). */
export async function submitLogin(page: Page, email: string, password: string) {
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.locator('form:has(input[name="password"]) button[type="submit"]').click();
}

/** The error notice (role=alert) of the current page, once it shows. */
export async function alertText(page: Page): Promise<string> {
  const alert = page.getByRole("alert");
  await alert.first().waitFor();
  return (await alert.allTextContents()).join(" ");
}
