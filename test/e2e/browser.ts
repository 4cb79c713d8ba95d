import { type Browser, chromium } from "playwright-core";
import { CHROMIUM, findProgram } from "../../scripts/system-programs.ts";

/**
 * Debian's Chromium, found as everywhere (scripts/system-programs.ts: CHROMIUM_PATH, else PATH);
 * browser downloads do not work here, so no bundled browser is used.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findProgram(CHROMIUM);
  if (!executablePath)
    throw new Error(
      "chromium is not on PATH (nor at CHROMIUM_PATH): `npm test` installs Debian's chromium first, or run apt-get install chromium",
    );
  const browser = await chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  // Each context is another visitor with its own address (as Cloudflare's edge sets
  // cf-connecting-ip), so the per-IP login limit (20 a minute) counts people, not the whole suite.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options = {}) => {
    visitors += 1;
    const ip = `10.77.${(visitors >> 8) & 255}.${visitors & 255}`;
    return newContext({
      ...options,
      extraHTTPHeaders: { "cf-connecting-ip": ip, ...options.extraHTTPHeaders },
    });
  };
  return browser;
}

let visitors = 0;
