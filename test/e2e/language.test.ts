import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { base, collectPageErrors } from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const htmlLang = (page: Page) => page.locator("html").getAttribute("lang");
const heading = (page: Page) => page.locator("h1").first().textContent();

async function langCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies(base())).find((cookie) => cookie.name === "lang")?.value;
}

/** The toggle posts with a full page load and comes back to the same page. */
async function switchTo(page: Page, label: "EN" | "中文", lang: string) {
  const path = new URL(page.url()).pathname;
  await page.getByRole("button", { name: label, exact: true }).click();
  await page.waitForFunction((want) => document.documentElement.lang === want, lang);
  await page.waitForLoadState("load");
  expect(new URL(page.url()).pathname).toBe(path);
  expect(await page.getByRole("button", { name: label, exact: true }).getAttribute("aria-pressed")).toBe(
    "true",
  );
}

describe("the language toggle", () => {
  it("中文 changes <html lang> and the text, survives a reload, and EN switches back", async () => {
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const errors = collectPageErrors(page);

    await page.goto(`${base()}/`);
    expect(await htmlLang(page)).toBe("en");
    expect(await page.title()).toBe("ATAS — students meet industry");
    expect(await heading(page)).toBe("Bring industry onto campus — without the cold e-mails.");
    expect(await page.getByRole("link", { name: "Log in", exact: true }).count()).toBe(1);

    await switchTo(page, "中文", "zh-Hans");
    expect(await heading(page)).toBe("把业界请进校园——不再需要冷冰冰的陌生邮件。");
    expect(await page.getByRole("link", { name: "登录", exact: true }).count()).toBe(1);
    expect(await page.getByRole("link", { name: "Log in", exact: true }).count()).toBe(0);
    expect(await page.title()).toBe("ATAS — 让学生与业界相遇");
    expect(await langCookie(context)).toBe("zh");

    await page.reload();
    expect(await htmlLang(page)).toBe("zh-Hans");
    expect(await heading(page)).toBe("把业界请进校园——不再需要冷冰冰的陌生邮件。");

    // Other pages follow, and client-side navigation keeps the language.
    await page.getByRole("link", { name: "登录", exact: true }).click();
    await page.waitForURL(/\/login$/);
    await expect.poll(() => heading(page)).toBe("登录");
    await expect.poll(() => page.title()).toBe("登录 · ATAS");
    expect(await htmlLang(page)).toBe("zh-Hans");
    expect(await page.getByRole("link", { name: "忘记密码？" }).count()).toBe(1);

    await switchTo(page, "EN", "en");
    expect(await heading(page)).toBe("Log in");
    expect(await page.getByRole("link", { name: "Forgot your password?" }).count()).toBe(1);
    expect(await langCookie(context)).toBe("en");
    await page.reload();
    expect(await htmlLang(page)).toBe("en");
    expect(await heading(page)).toBe("Log in");

    expect(errors).toEqual([]);
    await context.close();
  });

  it("a browser that prefers Chinese gets Chinese until EN is chosen", async () => {
    const context = await browser.newContext({ locale: "zh-CN" });
    const page = await context.newPage();
    const errors = collectPageErrors(page);

    await page.goto(`${base()}/register`);
    expect(await htmlLang(page)).toBe("zh-Hans");
    expect(await page.getByRole("button", { name: "创建账号" }).count()).toBe(1);

    await switchTo(page, "EN", "en");
    expect(await page.getByRole("button", { name: "Create account" }).count()).toBe(1);
    await page.reload();
    expect(await htmlLang(page)).toBe("en");

    expect(errors).toEqual([]);
    await context.close();
  });
});

/** Strings only one dictionary holds (each language is its own module, loaded for its visitors only). */
const ONLY_IN = { en: "Bring industry onto campus", zh: "把业界请进校园" } as const;

describe("each visitor downloads only their own language", () => {
  for (const [locale, lang, other, login] of [
    ["en-US", "en", "zh", "Log in"],
    ["zh-CN", "zh", "en", "登录"],
  ] as const) {
    it(`a browser in ${locale} loads no script holding the ${other} dictionary`, async () => {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const scripts: Promise<string>[] = [];
      page.on("response", (response) => {
        if (response.request().resourceType() === "script") scripts.push(response.text());
      });
      // The page's language loads after every script the entry imports, right before hydration.
      const ownLanguage = page.waitForResponse(
        async (response) =>
          response.request().resourceType() === "script" && (await response.text()).includes(ONLY_IN[lang]),
      );

      await page.goto(`${base()}/`);
      await ownLanguage;
      // A client-side navigation loads the next page's route modules too.
      await page.getByRole("link", { name: login, exact: true }).click();
      await page.waitForURL(/\/login$/);
      await expect.poll(() => heading(page)).toBe(login);

      const bodies = await Promise.all(scripts);
      expect(bodies.some((body) => body.includes(ONLY_IN[lang]))).toBe(true);
      expect(bodies.filter((body) => body.includes(ONLY_IN[other]))).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
