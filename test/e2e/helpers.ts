import { deflateSync } from "node:zlib";
import type { Browser, BrowserContextOptions, Locator, Page } from "playwright-core";
import { expect, inject } from "vitest";

/** Shared steps of the browser tests; each test still opens its own context. */
export const base = () => inject("baseUrl");

/** The seeded demo accounts' password (scripts/platform.ts seeds them). */
export const DEMO_PASSWORD = "atas-demo-2026";

/**
 * Uncaught errors in the page, and anything the Content-Security-Policy blocked (a blocked script or
 * style only shows as a console message); the tests assert none happened (4xx console noise is
 * expected and ignored).
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

/**
 * The dev mailbox's items addressed to `email` once at least `atLeast` have arrived (mail goes
 * through a queue, so it is polled with full reloads). Newest first.
 */
export async function mailsFor(page: Page, email: string, atLeast = 1): Promise<Locator> {
  const items = page.locator('[data-testid="mail-item"]', { hasText: email });
  await expect
    .poll(
      async () => {
        await page.goto(`${base()}/dev/mail`);
        return items.count();
      },
      { message: `mail(s) for ${email} in the dev mailbox`, timeout: 45_000, interval: 250 },
    )
    .toBeGreaterThanOrEqual(atLeast);
  return items;
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

/**
 * Waits until React has hydrated the current page (web/app/root.tsx marks it). A form filled and
 * submitted before then is submitted by the browser itself while React attaches, which on a busy
 * machine lost a refused save's error notice.
 */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === "true");
}

/** The error notice (role=alert) of the current page, once it shows. */
export async function alertText(page: Page): Promise<string> {
  const alert = page.getByRole("alert");
  await alert.first().waitFor();
  return (await alert.allTextContents()).join(" ");
}

/** A page in a new browser context, signed in as `email` (demo password) and landed on `path`. */
export async function signedIn(
  browser: Browser,
  email: string,
  path: string,
  options?: BrowserContextOptions,
): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${base()}/login?redirectTo=${encodeURIComponent(path)}`);
  await submitLogin(page, email, DEMO_PASSWORD);
  await page.waitForURL((url) => url.pathname === path);
  return page;
}

/** The signed-in account's id, as the page's own session sees it. */
export const myId = (page: Page) =>
  page.evaluate(
    async () => ((await (await fetch("/api/me")).json()) as { account: { id: string } }).account.id,
  );

/** A note's card in a grid of notes (feeds, profiles, boards, topics). */
export const noteCard = (page: Page, id: string) =>
  page.locator(`[data-testid="note-card"][data-note-id="${id}"]`);

/** Reloads `path` until the note's card shows: feeds are filled by queues and cron, a moment after the write. */
export async function waitForCard(page: Page, path: string, id: string) {
  await expect
    .poll(
      async () => {
        await page.goto(`${base()}${path}`);
        return noteCard(page, id).count();
      },
      { timeout: 30_000, interval: 1_000 },
    )
    .toBe(1);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A real PNG of one colour, made here so the tests need no fixture files. */
export function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat()),
  ]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
