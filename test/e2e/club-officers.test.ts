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

// A seeded club and a seeded student of its campus who serves no club (no other browser test uses them).
const CLUB = "club.women-in-stem@siswa.ukm.edu.my";
const CLUB_NAME = "UKM Women in STEM";
const STUDENT = "student13@siswa.ukm.edu.my";
const OTHER_STUDENT = "student18@siswa.ukm.edu.my";

describe("club officers by consent", () => {
  it("a club invites from its profile form → pending for both → the student accepts on Clubs I serve → an officer → leaves", async () => {
    const student = await signedIn(browser, STUDENT, "/me/clubs");
    const club = await signedIn(browser, CLUB, "/profile/edit");
    const errors = [student, club].flatMap((p) => collectPageErrors(p));
    const [studentId, clubId] = [await myId(student), await myId(club)];
    const studentName = await student.evaluate(
      async () =>
        ((await (await fetch("/api/me")).json()) as { account: { displayName: string } }).account.displayName,
    );
    expect(await student.getByTestId("club-invitation").count()).toBe(0);

    // The club adds the student to its officer list: that only invites.
    const officers = club.locator('textarea[name="officers"]');
    await officers.fill(`${await officers.inputValue()}\n${studentId}, Treasurer`.trim());
    await club.getByRole("button", { name: "Save profile" }).click();
    await club.waitForURL(/\/profile$/);
    expect(await club.locator("article.profile").textContent()).not.toContain(studentName);
    await club.goto(`${base()}/profile/edit`);
    const status = club.getByTestId("officer-statuses").locator("li", { hasText: studentName });
    await expect.poll(() => status.textContent()).toContain("Waiting for an answer");

    // The student sees the invitation and accepts it on the page.
    await student.goto(`${base()}/me/clubs`);
    const invitation = student.getByTestId("club-invitation").filter({ hasText: CLUB_NAME });
    await expect.poll(() => invitation.textContent()).toContain("Treasurer");
    await student.getByRole("button", { name: `Accept: ${CLUB_NAME}` }).click();
    await student.getByRole("status").filter({ hasText: "Accepted" }).waitFor();
    await expect.poll(() => student.getByTestId("club-invitation").count()).toBe(0);
    await expect
      .poll(() => student.getByTestId("club-served").filter({ hasText: CLUB_NAME }).count())
      .toBe(1);

    // Now an officer: on the club's public page and in the club's own list.
    await club.goto(`${base()}/u/${clubId}`);
    await expect.poll(() => club.locator("article.profile").textContent()).toContain(studentName);
    await club.goto(`${base()}/profile/edit`);
    await expect.poll(() => status.textContent()).toContain("Accepted");

    // Leaving is the student's to do, from the same page.
    await student.getByRole("button", { name: `Leave: ${CLUB_NAME}` }).click();
    await student.getByRole("status").filter({ hasText: "You left the club" }).waitFor();
    await expect.poll(() => student.getByTestId("club-served").count()).toBe(0);

    expect(errors).toEqual([]);
  });

  it("the invitation's notification carries Accept and Decline; declining there leaves no office", async () => {
    const student = await signedIn(browser, OTHER_STUDENT, "/notifications");
    const club = await signedIn(browser, CLUB, "/profile/edit");
    const errors = [student, club].flatMap((p) => collectPageErrors(p));
    const studentId = await myId(student);
    const studentName = await student.evaluate(
      async () =>
        ((await (await fetch("/api/me")).json()) as { account: { displayName: string } }).account.displayName,
    );
    const officers = club.locator('textarea[name="officers"]');
    await officers.fill(`${await officers.inputValue()}\n${studentId}, Secretary`.trim());
    await club.getByRole("button", { name: "Save profile" }).click();
    await club.waitForURL(/\/profile$/);

    await student.goto(`${base()}/notifications`);
    const notification = student.getByTestId("notification").filter({ hasText: `${CLUB_NAME} invites you` });
    await expect.poll(() => notification.textContent()).toContain("Secretary");
    expect(await notification.getByRole("button", { name: "Accept" }).count()).toBe(1);
    await notification.getByRole("button", { name: "Decline" }).click();
    await expect.poll(() => notification.textContent()).toContain("Declined");
    expect(await notification.getByRole("button").count()).toBe(0);

    // Nothing came of it: not on the club's list, not on the student's clubs page.
    await club.goto(`${base()}/profile/edit`);
    expect(await club.getByTestId("officer-statuses").textContent()).not.toContain(studentName);
    await student.goto(`${base()}/me/clubs`);
    expect(await student.getByTestId("club-invitation").count()).toBe(0);
    expect(await student.getByTestId("club-served").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
