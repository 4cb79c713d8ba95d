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
const EXPERT = "priya.nair@experts.atas.dev";
const ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** `iso` as a datetime-local value in Kuala Lumpur (UTC+8, no daylight saving). */
function klInput(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16);
}

describe("atas-pro: the invitation lifecycle, completed", () => {
  it("the expert, without JavaScript, accepts without being named and sets the meeting link; the booked time is greyed out; the student proposes a new time; the expert accepts it", async () => {
    const studentContext = await browser.newContext({ timezoneId: "Asia/Kuala_Lumpur" });
    // The expert's browser runs without JavaScript: every form must work as a plain form post.
    const expertContext = await browser.newContext({
      timezoneId: "Asia/Kuala_Lumpur",
      javaScriptEnabled: false,
    });
    const student = await studentContext.newPage();
    const expert = await expertContext.newPage();
    const studentErrors = collectPageErrors(student);
    const title = `Data careers, a talk ${Date.now()}`;

    // The student invites Priya Nair at the first free time the picker offers.
    await student.goto(`${base()}/login?redirectTo=/experts`);
    await submitLogin(student, STUDENT, DEMO_PASSWORD);
    await student.waitForURL((url) => url.pathname === "/experts");
    await student.goto(`${base()}/experts?q=Priya+Nair`);
    await student
      .getByTestId("expert-card")
      .filter({ hasText: "Priya Nair" })
      .first()
      .getByRole("link", { name: "Priya Nair" })
      .click();
    await student.waitForURL(new RegExp(`/experts/${ID}$`));
    const invitePath = `${new URL(student.url()).pathname}/invite`;
    await student.goto(`${base()}${invitePath}`);
    await student.fill('input[name="title"]', title);
    await student.fill('textarea[name="agenda"]', "Careers in data, then Q&A.");
    await student.fill('input[name="audienceSize"]', "40");
    const firstSlot = student.getByTestId("slot-option").first().locator('input[type="checkbox"]');
    const slotIso = (await firstSlot.getAttribute("value")) ?? "";
    await firstSlot.check();
    await student.getByTestId("invite-submit").click();
    await student.waitForURL(new RegExp(`/invitations/${ID}$`));
    const invitationPath = new URL(student.url()).pathname;

    // The expert, without JavaScript, unticks "name me publicly" and accepts.
    await expert.goto(`${base()}/login?redirectTo=${invitationPath}`);
    await submitLogin(expert, EXPERT, DEMO_PASSWORD);
    await expert.waitForURL((url) => url.pathname === invitationPath);
    await expert.getByTestId("accept-slots").locator('input[type="radio"]').first().check();
    await expert.getByTestId("name-publicly").uncheck();
    await expert.getByTestId("action-accept").click();
    await expect
      .poll(() => expert.getByTestId("invitation-status").getAttribute("data-status"))
      .toBe("scheduled");
    expect(await expert.getByTestId("named-publicly").textContent()).toContain("not to be named");

    // The meeting link, saved by a plain form post.
    await expert.fill('input[name="url"]', "https://meet.example.com/data-careers");
    await expert.getByTestId("meeting-link-save").click();
    await expect
      .poll(() => expert.getByTestId("meeting-link-url").getAttribute("href"))
      .toBe("https://meet.example.com/data-careers");

    // The student sees the link; the booked time is greyed out in a new invitation to the same expert.
    await student.reload();
    expect(await student.getByTestId("meeting-link-url").getAttribute("href")).toBe(
      "https://meet.example.com/data-careers",
    );
    await student.goto(`${base()}${invitePath}`);
    const booked = student.getByTestId("slot-option-booked").locator(`input[value="${slotIso}"]`);
    await booked.waitFor({ state: "attached" });
    expect(await booked.isDisabled()).toBe(true);

    // The student proposes a new time a week later (the dialog opens on click) with a message.
    await student.goto(`${base()}${invitationPath}`);
    const newIso = new Date(Date.parse(slotIso) + 7 * 86_400_000).toISOString();
    await student.getByTestId("reschedule-propose-open").click();
    await student.fill('form:has(input[value="reschedule-propose"]) input[name="slot1"]', klInput(newIso));
    await student.fill(
      'form:has(input[value="reschedule-propose"]) textarea[name="message"]',
      "Exams that week",
    );
    await student.getByTestId("reschedule-propose").click();
    await expect
      .poll(() => student.getByTestId("reschedule").textContent())
      .toContain("Waiting for the other side");

    // The expert (no JavaScript) sees the proposal and accepts it: the session moves.
    await expert.reload();
    expect(await expert.getByTestId("reschedule").textContent()).toContain("Exams that week");
    await expert.getByTestId("reschedule-slots").locator('input[type="radio"]').first().check();
    await expert.getByTestId("reschedule-accept").click();
    await expect
      .poll(() => expert.getByTestId("timeline").textContent())
      .toContain("moved the session to a new time");
    await student.reload();
    expect(await student.getByTestId("timeline").textContent()).toContain("moved the session to a new time");
    expect(await student.getByTestId("reschedule").textContent()).toContain("Propose new times");

    expect(studentErrors).toEqual([]);
    await studentContext.close();
    await expertContext.close();
  });
});
