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

const STUDENT = "student06@siswa.um.edu.my";
const ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

describe("atas-pro: an AI-drafted proposal", () => {
  it("Draft with AI on a draft invitation: the text appears as it is written, is edited, attached, and the invitation is sent", async () => {
    const context = await browser.newContext({ timezoneId: "Asia/Kuala_Lumpur" });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const title = `Careers in payments ${Date.now()}`;

    await page.goto(`${base()}/login?redirectTo=/experts?q=Aisyah+Rahman`);
    await submitLogin(page, STUDENT, DEMO_PASSWORD);
    await page.waitForURL(/\/experts\?q=Aisyah\+Rahman/);
    await page
      .getByTestId("expert-card")
      .filter({ hasText: "Aisyah Rahman" })
      .first()
      .getByRole("link", { name: "Aisyah Rahman" })
      .click();
    await page.waitForURL(new RegExp(`/experts/${ID}$`));
    await page.getByTestId("invite-button").click();
    await page.waitForURL(new RegExp(`/experts/${ID}/invite$`));
    await page.selectOption('select[name="kind"]', "talk");
    await page.fill('input[name="title"]', title);
    await page.fill(
      'textarea[name="agenda"]',
      "What a payments engineer does all day, then questions from UM students.",
    );
    await page.fill('input[name="audienceSize"]', "60");
    await page.getByTestId("slot-option").first().locator('input[type="checkbox"]').check();
    await expect.poll(() => page.getByTestId("response-deadline").inputValue()).toMatch(/^\d{4}-/);
    await page.getByTestId("invite-save-draft").click();

    // Saved as a draft: the page offers the AI draft.
    await page.waitForURL(new RegExp(`/invitations/${ID}$`));
    await expect.poll(() => page.getByTestId("invitation-status").getAttribute("data-status")).toBe("draft");
    await page.getByTestId("draft-request").click();

    // The text grows on the page while the job writes it (watch its length change several times).
    // Watched until the job ends, however long a loaded machine takes (the test's timeout bounds it).
    const lengths = new Set<number>();
    const status = page.getByTestId("draft-status");
    await expect
      .poll(
        async () => {
          const now = await status.getAttribute("data-status", { timeout: 1_000 }).catch(() => null);
          if (now === "ready" || now === "failed") return now;
          const length = await page.evaluate(
            () => document.querySelector('[data-testid="draft-live"]')?.textContent?.length ?? -1,
          );
          if (length >= 0) lengths.add(length);
          return now;
        },
        { timeout: 50_000, interval: 25 },
      )
      .toMatch(/^(ready|failed)$/);
    expect(await status.getAttribute("data-status")).toBe("ready");
    expect([...lengths].filter((n) => n > 0).length).toBeGreaterThan(2);

    // Ready: an editable proposal, grounded in the invitation and the expert.
    const editor = page.getByTestId("draft-text");
    const drafted = await editor.inputValue();
    for (const fact of ["Aisyah Rahman", title, "About 60 people", "Would you be available"])
      expect(drafted).toContain(fact);
    await editor.fill(`${drafted}\n\nP.S. We would also like to record the session for students abroad.`);
    await page.getByTestId("draft-attach").click();
    await expect.poll(() => page.getByTestId("draft-notice").textContent()).toContain("Attached");
    await expect
      .poll(() => page.locator(".invitation-page").textContent())
      .toContain("record the session for students abroad");

    // And the invitation goes out with it.
    await page.getByTestId("action-send").click();
    await expect.poll(() => page.getByTestId("invitation-status").getAttribute("data-status")).toBe("sent");
    expect(errors).toEqual([]);
    await context.close();

    // The admin page totals the day's drafts and their tokens.
    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await admin.goto(`${base()}/login?redirectTo=/admin`);
    await submitLogin(admin, "admin@atas.dev", DEMO_PASSWORD);
    await admin.waitForURL((url) => url.pathname === "/admin");
    expect(Number(await admin.getByTestId("usage-drafts").textContent())).toBeGreaterThanOrEqual(1);
    expect(
      Number((await admin.getByTestId("usage-completion").textContent())?.replaceAll(",", "")),
    ).toBeGreaterThan(100);
    await adminContext.close();
  });
});
