import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { base, collectPageErrors, signedIn } from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const ORGANISER = "student01@siswa.um.edu.my";
const CLASSMATE = "student06@siswa.um.edu.my";
const ELSEWHERE = "student02@u.nus.edu";
const EXPERT = "priya.nair@experts.atas.dev";

/** A JSON call from the signed-in page, as its own scripts would make it (CSRF header, same origin). */
async function api<T>(page: Page, path: string, json?: unknown): Promise<T> {
  const answer = await page.evaluate(
    async ({ path, json }) => {
      const response = await fetch(path, {
        method: json === undefined ? "GET" : "POST",
        headers: { "content-type": "application/json", "x-atas-csrf": "1" },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
      return { status: response.status, body: await response.text() };
    },
    { path, json },
  );
  if (answer.status >= 300) throw new Error(`${path}: ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as T;
}

describe("atas-link events", () => {
  it("a scheduled talk is published as a campus event; a classmate RSVPs without JavaScript; another campus never sees it", async () => {
    const title = `Careers in data, live at UM ${Date.now()}`;
    // The invitation, made and scheduled through the API as the two pages would.
    const organiser = await signedIn(browser, ORGANISER, "/invitations", { timezoneId: "Asia/Kuala_Lumpur" });
    const errors = collectPageErrors(organiser);
    const expertPage = await signedIn(browser, EXPERT, "/invitations");
    const { experts } = await api<{ experts: { id: string; displayName: string }[] }>(
      organiser,
      "/api/experts?q=Priya%20Nair",
    );
    const expertId = experts[0]?.id;
    if (!expertId) throw new Error("no Priya Nair in the directory");
    await organiser.goto(`${base()}/experts/${expertId}/invite`);
    const slot = await organiser
      .getByTestId("slot-option")
      .nth(2)
      .locator('input[type="checkbox"]')
      .getAttribute("value");
    if (!slot) throw new Error("no slot offered");
    const { id } = await api<{ id: string }>(organiser, "/api/invitations", {
      expertId,
      kind: "talk",
      title,
      agenda: "Paths into data careers, then Q&A.",
      slots: [slot],
      durationMinutes: 60,
      format: "onsite",
      venue: "DK1, Faculty of Computer Science",
      audienceSize: 40,
      honorarium: null,
      language: "en",
      responseDeadline: new Date(
        Math.min(Date.parse(slot) - 3_600_000, Date.now() + 2 * 86_400_000),
      ).toISOString(),
    });
    await api(organiser, `/api/invitations/${id}/send`, {});
    const page = await api<{ slots: { id: string; current: boolean }[] }>(
      expertPage,
      `/api/invitations/${id}`,
    );
    const slotId = page.slots.find((s) => s.current)?.id ?? page.slots[0]?.id;
    await api(expertPage, `/api/invitations/${id}/accept`, { slotId });

    // The organiser publishes it from the invitation page.
    await organiser.goto(`${base()}/invitations/${id}`);
    await organiser.getByTestId("publish-event").waitFor();
    await organiser.selectOption('select[name="visibility"]', "campus");
    await organiser.fill('[data-testid="publish-event"] textarea[name="body"]', "Bring questions #careers");
    await organiser.getByTestId("publish-event-submit").click();
    await organiser.waitForURL(/\/notes\/[0-9a-f-]{36}$/);
    const noteUrl = organiser.url();
    await organiser.getByTestId("event-block").waitFor();
    expect(await organiser.getByTestId("event-phase").textContent()).toBe("Upcoming");
    expect(await organiser.getByTestId("event-counts").textContent()).toContain("0 of 40 going");
    // The time is in the organiser's own zone, named.
    expect(await organiser.getByTestId("event-when").textContent()).toContain("Asia/Kuala_Lumpur");

    // A classmate on the same campus, with JavaScript off: the buttons are plain form posts.
    const classmateContext = await browser.newContext({
      javaScriptEnabled: false,
      timezoneId: "Europe/London",
    });
    const classmate = await classmateContext.newPage();
    await classmate.goto(`${base()}/login?redirectTo=/events`);
    await classmate.fill('input[name="email"]', CLASSMATE);
    await classmate.fill('input[name="password"]', "atas-demo-2026");
    await classmate.locator('form:has(input[name="password"]) button[type="submit"]').click();
    await classmate.waitForURL(/\/events$/);
    await classmate.getByRole("link", { name: title }).click();
    await classmate.waitForURL(noteUrl);
    // Without scripts the browser's zone is never learned: the server names the zone it used (UTC).
    expect(await classmate.getByTestId("event-when").textContent()).toContain("(UTC)");
    expect(await classmate.getByTestId("event-ics").count()).toBe(0);
    await classmate.getByTestId("rsvp-going").click();
    await classmate.getByTestId("event-my-rsvp").waitFor();
    expect(await classmate.getByTestId("event-my-rsvp").textContent()).toBe("You are going.");
    expect(await classmate.getByTestId("event-counts").textContent()).toContain("1 of 40 going");
    expect(await classmate.getByTestId("event-ics").count()).toBe(1);
    await classmate.goto(`${base()}/events?scope=mine`);
    expect(await classmate.getByRole("link", { name: title }).count()).toBe(1);

    // The organiser's page, open all along, follows the count without a reload (live counts).
    await organiser
      .getByTestId("event-counts")
      .filter({ hasText: "1 of 40 going" })
      .waitFor({ timeout: 30_000 });

    // The organiser sees the attendee list and the CSV link.
    await organiser.reload();
    await organiser.getByTestId("event-attendees").locator("summary").click();
    expect(await organiser.getByTestId("event-attendees").textContent()).toContain("going");
    expect(await organiser.getByTestId("event-csv").getAttribute("href")).toMatch(/attendees\.csv$/);

    // Another campus: not on /events, and the note itself is a 404.
    const outsider = await signedIn(browser, ELSEWHERE, "/events");
    expect(await outsider.getByRole("link", { name: title }).count()).toBe(0);
    const missing = await outsider.goto(noteUrl);
    expect(missing?.status()).toBe(404);
    // Signed out: neither.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${base()}/events`);
    expect(await visitor.getByRole("link", { name: title }).count()).toBe(0);
    expect((await visitor.goto(noteUrl))?.status()).toBe(404);
    expect(errors).toEqual([]);
  });
});
