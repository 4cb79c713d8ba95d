import type { Browser, Page } from "playwright-core";
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

// Seeded accounts with no connections yet (the seed connects students 01–20 only).
const STUDENT = "student21@siswa.um.edu.my";
const CONNECTOR = "student26@siswa.um.edu.my";
const EXPERT = "priya.nair@experts.atas.dev";
const ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** The people these tests sign in as keep Malaysian time. */
const MYT = { timezoneId: "Asia/Kuala_Lumpur" };

/** Opens /network and accepts the newest incoming request. */
async function acceptRequest(page: Page) {
  await page.goto(`${base()}/network`);
  const accept = page.locator('[data-testid^="accept-"]').first();
  await accept.click();
  // Accepted: the request leaves the list once the page has reloaded its data.
  await expect.poll(() => page.locator('[data-testid^="accept-"]').count()).toBe(0);
}

describe("the second-degree network", () => {
  it("connect → an expert appears via the mutual connection → ask for an introduction → the connector endorses → the expert sees it introduced", async () => {
    const student = await signedIn(browser, STUDENT, "/", MYT);
    const connector = await signedIn(browser, CONNECTOR, "/", MYT);
    const expert = await signedIn(browser, EXPERT, "/", MYT);
    const errors = [student, connector, expert].flatMap((p) => collectPageErrors(p));
    const [connectorId, expertId] = [await myId(connector), await myId(expert)];
    const connectorName = await connector.evaluate(
      async () =>
        ((await (await fetch("/api/me")).json()) as { account: { displayName: string } }).account.displayName,
    );

    // The connector knows the expert; the student knows the connector.
    await connector.goto(`${base()}/u/${expertId}`);
    await connector.getByTestId("connect").click();
    await expect.poll(() => connector.getByTestId("connect-state").textContent()).toContain("Request sent");
    await acceptRequest(expert);
    await student.goto(`${base()}/u/${connectorId}`);
    await student.getByTestId("connect").click();
    await expect.poll(() => student.getByTestId("connect-state").textContent()).toContain("Request sent");
    await acceptRequest(connector);

    // The directory now shows the expert in the student's network, via the connector.
    await student.goto(`${base()}/experts`);
    const card = student.getByTestId("network-expert").filter({ hasText: "Priya Nair" });
    await card.waitFor();
    expect(await card.getByTestId("via").textContent()).toBe(`via ${connectorName}`);

    // The student drafts an invitation and asks the connector to introduce it.
    await student.goto(`${base()}/experts/${expertId}/invite`);
    const title = `An intro to Priya ${Date.now()}`;
    await student.fill('input[name="title"]', title);
    await student.fill('textarea[name="agenda"]', "Careers in product, then questions.");
    await student.fill('input[name="audienceSize"]', "40");
    await student.getByTestId("slot-option").first().locator('input[type="checkbox"]').check();
    await expect.poll(() => student.getByTestId("response-deadline").inputValue()).toMatch(/^\d{4}-/);
    await student.getByTestId("invite-save-draft").click();
    await student.waitForURL(new RegExp(`/invitations/${ID}$`));
    const invitationPath = new URL(student.url()).pathname;
    // The draft's page renders the connector list as it lands: poll, never read it once.
    await expect
      .poll(() => student.getByTestId("intro-connector").locator("option").allTextContents())
      .toEqual([connectorName]);
    await student.fill('textarea[name="note"]', "We met at the hackathon; could you vouch for us?");
    await student.getByTestId("intro-ask").click();
    await student.getByTestId("intro-pending").waitFor();

    // The connector endorses in one click (with a note).
    await connector.goto(`${base()}/network`);
    const ask = connector.getByTestId("introduction").filter({ hasText: title });
    await ask.waitFor();
    await ask.locator('textarea[name="note"]').fill("A thoughtful organiser; worth your time.");
    await ask.getByTestId("endorse").click();
    // Endorsed once the page has reloaded its data without the request (networkidle is the page
    // load's state, not the form post's: it can pass before the endorsement is stored).
    await expect.poll(() => ask.count()).toBe(0);

    // The student sees it introduced and sends; the expert receives it marked as introduced.
    await student.goto(`${base()}${invitationPath}`);
    expect(await student.getByTestId("introduced-by").textContent()).toContain(
      `Introduced by ${connectorName}`,
    );
    await student.getByTestId("action-send").click();
    await expect
      .poll(() => student.getByTestId("invitation-status").getAttribute("data-status"))
      .toBe("sent");
    await expert.goto(`${base()}${invitationPath}`);
    const introduced = await expert.getByTestId("introduced-by").textContent();
    expect(introduced).toContain(`Introduced by ${connectorName}`);
    expect(introduced).toContain("A thoughtful organiser");
    expect(errors).toEqual([]);
  });
});
