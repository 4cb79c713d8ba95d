import { readFile } from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { base, collectPageErrors, DEMO_PASSWORD, submitLogin } from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const STUDENT = "student01@siswa.um.edu.my";
const EXPERT = "aisyah.rahman@experts.atas.dev";
const ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** The RFC 5545 UTC form of an ISO instant: 2026-03-07T02:00:00.000Z → 20260307T020000Z. */
function icsUtc(iso: string): string {
  return iso.replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

describe("atas-pro: an invitation from the directory to the calendar", () => {
  it("a student finds an expert, invites with a picked time and sends; the expert accepts; both see it scheduled; the .ics downloads", async () => {
    // Two people, two browsers, two time zones: every time on screen is in the viewer's own zone.
    const studentContext = await browser.newContext({
      timezoneId: "Asia/Kuala_Lumpur",
      acceptDownloads: true,
    });
    const expertContext = await browser.newContext({ timezoneId: "Europe/London" });
    const student = await studentContext.newPage();
    const expert = await expertContext.newPage();
    const studentErrors = collectPageErrors(student);
    const expertErrors = collectPageErrors(expert);
    const title = `Scaling payments, a talk for UM ${Date.now()}`;

    // The student signs in and searches the directory.
    await student.goto(`${base()}/login?redirectTo=/experts`);
    await submitLogin(student, STUDENT, DEMO_PASSWORD);
    await student.waitForURL(/\/experts$/);
    await student.getByTestId("expert-search").fill("Aisyah Rahman");
    await student.getByTestId("expert-search").press("Enter");
    await student.waitForURL(/\/experts\?q=Aisyah\+Rahman/);
    const card = student.getByTestId("expert-card").filter({ hasText: "Aisyah Rahman" });
    await card.first().waitFor();
    // The snippet's matches are <mark> elements, never the markers as text.
    expect(await card.first().getByTestId("expert-snippet").locator("mark").count()).toBeGreaterThan(0);
    expect(await card.first().textContent()).not.toMatch(/[\uE000\uE001]/);
    await card.first().getByRole("link", { name: "Aisyah Rahman" }).click();

    // The expert page: weekly availability in words, the track record, and the invite button.
    await student.waitForURL(new RegExp(`/experts/${ID}$`));
    const availability = await student.getByTestId("availability").textContent();
    expect(availability).toMatch(
      /(Sun|Mon|Tues|Wednes|Thurs|Fri|Satur)days \d\d:\d\d–\d\d:\d\d \(Asia\/\w+\)/,
    );
    expect(await student.getByTestId("track-record").textContent()).toContain("Response rate");
    await student.getByTestId("invite-button").click();

    // The form: the picker offers only the expert's windows; picking one fills a deadline before it.
    await student.waitForURL(new RegExp(`/experts/${ID}/invite$`));
    // student01 is an officer of the UM Computing Society, so they may send as the club; here, as themself.
    // The form renders once the navigation commits, a moment after the URL changes.
    const sendAs = student.locator('select[name="requesterId"] option');
    await expect.poll(() => sendAs.allTextContents()).toContain("UM Computing Society");
    await student.selectOption('select[name="kind"]', "talk");
    await student.fill('input[name="title"]', title);
    await student.fill('textarea[name="agenda"]', "How Grab scales payments, then Q&A with UM students.");
    await student.fill('input[name="audienceSize"]', "80");
    await student.fill('input[name="honorariumAmount"]', "150");
    const firstSlot = student.getByTestId("slot-option").first().locator('input[type="checkbox"]');
    const slotIso = await firstSlot.getAttribute("value");
    expect(slotIso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
    await firstSlot.check();
    await expect.poll(() => student.getByTestId("slot-count").textContent()).toContain("1 of 3");
    const deadline = student.getByTestId("response-deadline");
    await expect.poll(() => deadline.inputValue()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    // The deadline is read in the student's zone (Kuala Lumpur, UTC+8) and lies before the picked time.
    expect(Date.parse(`${await deadline.inputValue()}:00+08:00`)).toBeLessThan(Date.parse(slotIso ?? ""));
    await student.getByTestId("invite-submit").click();

    // Created and sent: the student lands on the invitation.
    await student.waitForURL(new RegExp(`/invitations/${ID}$`));
    const invitationPath = new URL(student.url()).pathname;
    await expect
      .poll(() => student.getByTestId("invitation-status").getAttribute("data-status"))
      .toBe("sent");
    expect(await student.getByTestId("not-sent").count()).toBe(0);
    expect(await student.getByTestId("current-round").textContent()).toContain("(Asia/Kuala_Lumpur)");
    await student.fill('textarea[name="body"]', "Looking forward to it. We can book the main hall.");
    await student.getByTestId("post-message").click();
    await expect.poll(() => student.getByTestId("thread").textContent()).toContain("book the main hall");

    // The expert: a notification and a row on the dashboard.
    await expert.goto(`${base()}/login?redirectTo=/invitations`);
    await submitLogin(expert, EXPERT, DEMO_PASSWORD);
    await expert.waitForURL(/\/invitations$/);
    await expect
      .poll(async () => Number(await expert.getByTestId("unread-count").textContent()))
      .toBeGreaterThan(0);
    const row = expert.getByTestId("invitation-row").filter({ hasText: title });
    await row.waitFor();
    expect(await row.getByTestId("row-side").textContent()).toContain("invited you");
    expect(await row.getByTestId("row-status").getAttribute("data-status")).toBe("sent");

    // Opening the notifications marks them read; the notification links to the invitation.
    await expert.getByRole("link", { name: /^Notifications: \d+ unread$/ }).click();
    await expert.waitForURL(/\/notifications$/);
    // One for the invitation, one for the student's message.
    const notification = expert
      .getByTestId("notification")
      .filter({ hasText: title })
      .filter({ hasText: "sent you an invitation" });
    await notification.waitFor();
    await expect.poll(() => expert.getByTestId("unread-count").textContent()).toBe("0");
    await notification.getByRole("link").click();
    await expert.waitForURL((url) => url.pathname === invitationPath);
    await expect.poll(() => expert.getByTestId("thread").textContent()).toContain("book the main hall");
    // The expert's own zone is named on every time.
    expect(await expert.getByTestId("current-round").textContent()).toContain("(Europe/London)");

    // Exactly the actions the API allows the expert now.
    const actionButtons = expert.locator('[data-testid="actions"] button');
    expect(
      (await actionButtons.evaluateAll((buttons) => buttons.map((b) => b.dataset.testid))).sort(),
    ).toEqual(["action-accept", "action-counter", "action-decline"].sort());
    await expert.getByTestId("accept-slots").locator('input[type="radio"]').first().check();
    await expert.getByTestId("action-accept").click();
    await expect
      .poll(() => expert.getByTestId("invitation-status").getAttribute("data-status"))
      .toBe("scheduled");
    await expert.getByTestId("ics-link").waitFor();

    // Back to the student: scheduled too, with the calendar file.
    await student.reload();
    await expect
      .poll(() => student.getByTestId("invitation-status").getAttribute("data-status"))
      .toBe("scheduled");
    expect(await student.getByTestId("action-accept").count()).toBe(0);
    const [download] = await Promise.all([
      student.waitForEvent("download"),
      student.getByTestId("ics-link").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.ics$/);
    const ics = await readFile(await download.path(), "utf8");
    expect(ics).toContain("BEGIN:VEVENT");
    expect(ics).toContain(`DTSTART:${icsUtc(slotIso ?? "")}`);
    expect(ics).toContain("SUMMARY:Scaling payments\\, a talk for UM");

    // And on the student's dashboard it is upcoming.
    await student.goto(`${base()}/invitations?bucket=upcoming`);
    const upcoming = student.getByTestId("invitation-row").filter({ hasText: title });
    await upcoming.waitFor();
    expect(await upcoming.getByTestId("row-status").getAttribute("data-status")).toBe("scheduled");
    expect(await upcoming.getByTestId("row-side").textContent()).toContain("You invited Aisyah Rahman");

    expect(studentErrors).toEqual([]);
    expect(expertErrors).toEqual([]);
    await studentContext.close();
    await expertContext.close();
  });
});
