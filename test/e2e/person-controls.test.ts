import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { base, collectPageErrors, myId, signedIn } from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

// Seeded students no other browser test uses.
const ADA = "student22@u.nus.edu";
const BO = "student27@u.nus.edu";

describe("block, mute and report a person", () => {
  it("from a profile: block, then the profile says blocked and offers unblock; mute likewise; from a room: report", async () => {
    const ada = await signedIn(browser, ADA, "/");
    const errors = collectPageErrors(ada);
    const bo = await signedIn(browser, BO, "/rooms/topic%3Astartups");
    errors.push(...collectPageErrors(bo));
    const boId = await myId(bo);

    await ada.goto(`${base()}/u/${boId}`);
    await ada.getByTestId("block").click();
    await ada.getByTestId("blocked-state").waitFor();
    await ada.getByTestId("unblock").waitFor();
    // While blocked the page offers no way to reach them.
    expect(await ada.getByTestId("message").count()).toBe(0);
    // It is the stored state, not just the page's: a reload says the same.
    await ada.reload();
    await ada.getByTestId("blocked-state").waitFor();
    await ada.getByTestId("unblock").click();
    await ada.getByTestId("block").waitFor();
    expect(await ada.getByTestId("blocked-state").count()).toBe(0);

    await ada.getByTestId("mute").click();
    await ada.getByTestId("muted-state").waitFor();
    await ada.getByTestId("unmute").click();
    await ada.getByTestId("mute").waitFor();
    expect(await ada.getByTestId("muted-state").count()).toBe(0);

    // In a room: Bo writes; Ada opens Bo's panel from the message and reports Bo.
    const said = `Buy my exam answers ${Date.now()}`;
    await bo.locator('[data-testid="room"][data-status="live"]').waitFor();
    await bo.getByTestId("composer").fill(said);
    await bo.getByTestId("send").click();
    await ada.goto(`${base()}/rooms/topic%3Astartups`);
    await ada.locator('[data-testid="room"][data-status="live"]').waitFor();
    const message = ada.getByTestId("message").filter({ hasText: said });
    await message.waitFor();
    await message.getByTestId("message-author").click();
    const panel = ada.getByTestId("person-panel");
    await panel.waitFor();
    await panel.getByTestId("report").click();
    const dialog = ada.getByTestId("report-dialog");
    await dialog.getByLabel(/spam/i).check();
    await dialog.getByTestId("report-submit").click();
    await dialog.getByTestId("report-done").waitFor();
    expect(errors).toEqual([]);
  });
});
