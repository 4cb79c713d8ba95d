import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import ICAL from "ical.js";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUIET_WRANGLER_ENV, ROOT } from "../../scripts/platform.ts";
import { launchBrowser } from "./browser";
import { base, collectPageErrors, myId, noteCard, signedIn, waitForCard } from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

// A seeded club of NUS, one of its seeded officers, a classmate of the same campus and an expert that
// no other browser test uses (so this file may run before or after the others on one platform).
const CLUB = "club.entrepreneurs@u.nus.edu";
const CLUB_NAME = "NUS Entrepreneurship Society";
const OFFICER = "student07@u.nus.edu";
const STUDENT = "student12@u.nus.edu";
const EXPERT = "tan.wei.jie@experts.atas.dev";
const ID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const KL = "Asia/Kuala_Lumpur";
const LONDON = "Europe/London";

/** `instant` as a datetime-local value in `zone` (what a person there types into the field). */
function localInput(instant: number, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The wall clock of `instant` in `zone` as the page shows it: "7 Mar" and "10:00". */
function wallClockText(instant: number, zone: string) {
  const date = new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "short" }).format(
    instant,
  );
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(instant);
  return { date, time };
}

/** The calendar file read back by ical.js, a full RFC 5545 parser. */
function readIcs(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = calendar.getFirstSubcomponent("vevent");
  if (!vevent) throw new Error("no VEVENT in the calendar file");
  const event = new ICAL.Event(vevent);
  return {
    method: calendar.getFirstPropertyValue("method"),
    uid: event.uid,
    summary: event.summary,
    start: event.startDate.toJSDate().getTime(),
  };
}

/**
 * The clock's stand-in. A session can be completed only once it has started, and a test must not
 * wait for real time; so this moves the session's start (and its accepted time) into the past
 * directly in the e2e platform's local D1, as if the days had gone by. Nothing else changes.
 */
async function sessionHappenedAgo(invitationId: string, minutes: number) {
  if (!/^[0-9a-f-]{36}$/.test(invitationId)) throw new Error(`not an id: ${invitationId}`);
  const port = new URL(base()).port;
  const start = Date.now() - minutes * 60_000;
  const sql = `update invitations set scheduled_start = ${start} where id = '${invitationId}'`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      join(ROOT, "node_modules", ".bin", "wrangler"),
      [
        "d1",
        "execute",
        "DB",
        "--local",
        "--persist-to",
        join(ROOT, ".wrangler", `e2e-state-${port}`),
        "--command",
        sql,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...QUIET_WRANGLER_ENV } },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`wrangler d1 execute exited with ${code}:\n${output}`)),
    );
  });
  return start;
}

const displayName = (page: Page) =>
  page.evaluate(
    async () =>
      ((await (await fetch("/api/me")).json()) as { account: { displayName: string } }).account.displayName,
  );

describe("the events loop, end to end", () => {
  it("a club invites an expert → accepted → published → a classmate finds it on discover, RSVPs, downloads the calendar → the expert moves it → the classmate sees the new time → completed → the recap reaches the following feed", async () => {
    // Four people, four browsers: the club's officer, the club account and the student in Kuala
    // Lumpur, the expert in London. JavaScript is on, as for most people.
    const officer = await signedIn(browser, OFFICER, "/experts", { timezoneId: KL });
    const club = await signedIn(browser, CLUB, "/invitations", { timezoneId: KL });
    const expert = await signedIn(browser, EXPERT, "/invitations", { timezoneId: LONDON });
    const student = await signedIn(browser, STUDENT, "/discover", { timezoneId: KL, acceptDownloads: true });
    const errors = {
      officer: collectPageErrors(officer),
      club: collectPageErrors(club),
      expert: collectPageErrors(expert),
      student: collectPageErrors(student),
    };
    const clubId = await myId(club);
    const studentName = await displayName(student);
    const title = `Founders and data: a talk for NUS ${Date.now()}`;

    // 0. The student follows the club, from its profile.
    await student.goto(`${base()}/u/${clubId}`);
    await student.getByTestId("follow").click();
    await expect.poll(() => student.getByTestId("follow").textContent()).toBe("Following");

    // 1. The officer invites Tan Wei Jie on the club's behalf: a talk, online, for 30 people.
    await officer.goto(`${base()}/experts?q=Tan+Wei+Jie`);
    await officer
      .getByTestId("expert-card")
      .filter({ hasText: "Tan Wei Jie" })
      .first()
      .getByRole("link", { name: "Tan Wei Jie" })
      .click();
    await officer.waitForURL(new RegExp(`/experts/${ID}$`));
    await officer.getByTestId("invite-button").click();
    await officer.waitForURL(new RegExp(`/experts/${ID}/invite$`));
    const sendAs = officer.locator('select[name="requesterId"] option');
    await expect.poll(() => sendAs.allTextContents()).toContain(CLUB_NAME);
    await officer.selectOption('select[name="requesterId"]', { label: CLUB_NAME });
    await officer.selectOption('select[name="kind"]', "talk");
    await officer.fill('input[name="title"]', title);
    await officer.fill('textarea[name="agenda"]', "From a bank's data team to founding: then Q&A.");
    await officer.fill('input[name="audienceSize"]', "30");
    await officer.selectOption('select[name="format"]', "online");
    const firstSlot = officer.getByTestId("slot-option").first().locator('input[type="checkbox"]');
    const slotIso = (await firstSlot.getAttribute("value")) ?? "";
    expect(slotIso).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/);
    await firstSlot.check();
    await expect.poll(() => officer.getByTestId("response-deadline").inputValue()).toMatch(/T\d\d:\d\d$/);
    await officer.getByTestId("invite-submit").click();
    await officer.waitForURL(new RegExp(`/invitations/${ID}$`));
    const invitationPath = new URL(officer.url()).pathname;
    const invitationId = invitationPath.split("/").pop() ?? "";
    // Sent at once: an officer's own send is the club's sign-off.
    await expect
      .poll(() => officer.getByTestId("invitation-status").getAttribute("data-status"))
      .toBe("sent");

    // 2. The expert, in London, accepts the time with the consent box left ticked, and sets the link.
    await expert.goto(`${base()}${invitationPath}`);
    expect(await expert.getByTestId("current-round").textContent()).toContain(`(${LONDON})`);
    await expert.getByTestId("accept-slots").locator('input[type="radio"]').first().check();
    expect(await expert.getByTestId("name-publicly").isChecked()).toBe(true);
    await expert.getByTestId("action-accept").click();
    await expect
      .poll(() => expert.getByTestId("invitation-status").getAttribute("data-status"))
      .toBe("scheduled");
    await expert.fill('input[name="url"]', "https://meet.example.com/nus-founders");
    await expert.getByTestId("meeting-link-save").click();
    await expect
      .poll(() => expert.getByTestId("meeting-link-url").getAttribute("href"))
      .toBe("https://meet.example.com/nus-founders");

    // 3. The club account publishes it as a campus event from the invitation page.
    await club.goto(`${base()}${invitationPath}`);
    await club.getByTestId("publish-event").waitFor();
    await club.selectOption('select[name="visibility"]', "campus");
    await club.fill(
      '[data-testid="publish-event"] textarea[name="body"]',
      "Bring your startup questions #founders",
    );
    await club.getByTestId("publish-event-submit").click();
    await club.waitForURL(new RegExp(`/notes/${ID}$`));
    const notePath = new URL(club.url()).pathname;
    const noteId = notePath.split("/").pop() ?? "";
    await club.getByTestId("event-block").waitFor();
    expect(await club.getByTestId("event-phase").textContent()).toBe("Upcoming");
    // Published once: the invitation page no longer offers it, to the club or its officer.
    await club.goto(`${base()}${invitationPath}`);
    await club.getByTestId("invitation-status").waitFor();
    expect(await club.getByTestId("publish-event").count()).toBe(0);
    expect(await club.getByTestId("invitation-event-link").getAttribute("href")).toBe(notePath);
    await officer.reload();
    await officer.getByTestId("invitation-status").waitFor();
    expect(await officer.getByTestId("publish-event").count()).toBe(0);
    expect(await officer.getByTestId("invitation-event-link").getAttribute("href")).toBe(notePath);

    // 4. The student finds it on discover (upcoming, own campus) and opens it from there.
    await waitForCard(student, "/discover", noteId);
    await noteCard(student, noteId).locator("a").first().click();
    await student.waitForURL((url) => url.pathname === notePath);
    await student.getByTestId("event-block").waitFor();
    const when = student.getByTestId("event-when");
    expect(await when.locator("time").first().getAttribute("datetime")).toBe(slotIso);
    const booked = wallClockText(Date.parse(slotIso), KL);
    await expect.poll(() => when.textContent()).toContain(`(${KL})`);
    expect(await when.textContent()).toContain(booked.date);
    expect(await when.textContent()).toContain(booked.time);
    // Online: the link is for the people going, so not yet.
    expect(await student.getByTestId("event-link").count()).toBe(0);
    await student.getByTestId("rsvp-going").click();
    await expect.poll(() => student.getByTestId("event-my-rsvp").textContent()).toBe("You are going.");
    expect(await student.getByTestId("event-counts").textContent()).toContain("1 of 30 going");
    expect(await student.getByTestId("event-link").getAttribute("href")).toBe(
      "https://meet.example.com/nus-founders",
    );
    const [download] = await Promise.all([
      student.waitForEvent("download"),
      student.getByTestId("event-ics").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.ics$/);
    const firstIcs = readIcs(await readFile(await download.path(), "utf8"));
    expect(firstIcs.summary).toBe(title);
    expect(firstIcs.start).toBe(Date.parse(slotIso));
    expect(firstIcs.method).toBe("PUBLISH");
    expect(firstIcs.uid).toBeTruthy();
    // The club sees the student among the attendees.
    await club.goto(`${base()}${notePath}`);
    await club.getByTestId("event-attendees").locator("summary").click();
    expect(await club.getByTestId("event-attendees").textContent()).toContain(studentName);

    // 5. The expert proposes a week later (typed in London time); the officer accepts it.
    const movedIso = new Date(Date.parse(slotIso) + 7 * 86_400_000).toISOString();
    await expert.goto(`${base()}${invitationPath}`);
    await expert.getByTestId("reschedule-propose-open").click();
    await expert.fill(
      'form:has(input[value="reschedule-propose"]) input[name="slot1"]',
      localInput(Date.parse(movedIso), LONDON),
    );
    await expert.fill(
      'form:has(input[value="reschedule-propose"]) textarea[name="message"]',
      "A board meeting moved onto that day, sorry",
    );
    await expert.getByTestId("reschedule-propose").click();
    await expect
      .poll(() => expert.getByTestId("reschedule").textContent())
      .toContain("Waiting for the other side");
    await officer.goto(`${base()}${invitationPath}`);
    expect(await officer.getByTestId("reschedule").textContent()).toContain("A board meeting moved");
    await officer.getByTestId("reschedule-slots").locator('input[type="radio"]').first().check();
    await officer.getByTestId("reschedule-accept").click();
    await expect
      .poll(() => officer.getByTestId("timeline").textContent())
      .toContain("moved the session to a new time");

    // The student reloads the event: the new time, in Kuala Lumpur's clock.
    await student.reload();
    await expect
      .poll(() => student.getByTestId("event-when").locator("time").first().getAttribute("datetime"))
      .toBe(movedIso);
    const moved = wallClockText(Date.parse(movedIso), KL);
    expect(await student.getByTestId("event-when").textContent()).toContain(moved.date);
    expect(await student.getByTestId("event-when").textContent()).toContain(moved.time);
    expect(await student.getByTestId("event-when").textContent()).toContain(`(${KL})`);
    // The calendar file follows: same UID, the new start.
    const [again] = await Promise.all([
      student.waitForEvent("download"),
      student.getByTestId("event-ics").click(),
    ]);
    const movedIcs = readIcs(await readFile(await again.path(), "utf8"));
    expect(movedIcs.uid).toBe(firstIcs.uid);
    expect(movedIcs.start).toBe(Date.parse(movedIso));
    // And the student was told, in the app (the notice goes through a queue: reload until it shows).
    const changed = student
      .getByTestId("notification")
      .filter({ hasText: title })
      .filter({ hasText: "new time" });
    await expect
      .poll(
        async () => {
          await student.goto(`${base()}/notifications`);
          return changed.count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    // The notice says the new time on the student's own clock, the zone named (their campus's zone).
    const notice = (await changed.textContent()) ?? "";
    const zone = /\(([A-Za-z_]+\/[A-Za-z_]+)\)/.exec(notice)?.[1] ?? "";
    expect(notice).toContain(wallClockText(Date.parse(movedIso), zone).time);
    expect(notice).not.toContain(movedIso);

    // 6. The session takes place: the clock's stand-in moves its start 90 minutes into the past.
    await sessionHappenedAgo(invitationId, 90);
    await club.goto(`${base()}${invitationPath}`);
    await club.getByTestId("action-complete").click();
    await expect
      .poll(() => club.getByTestId("invitation-status").getAttribute("data-status"))
      .toBe("completed");

    // The club posts the recap from the event page; it goes to its followers' feeds.
    await club.goto(`${base()}${notePath}`);
    expect(await club.getByTestId("event-phase").textContent()).toBe("Took place");
    await club.fill(
      '[data-testid="event-block"] textarea[name="body"]',
      "Thank you Tan Wei Jie! Slides inside #founders",
    );
    await club
      .locator('[data-testid="event-block"] form:has(input[value="recap"]) button[type="submit"]')
      .click();
    // Posted, the club lands on the recap note; the event links to it.
    await club.waitForURL(
      (url) => url.pathname !== notePath && new RegExp(`^/notes/${ID}$`).test(url.pathname),
    );
    const recapId = new URL(club.url()).pathname.split("/").pop() ?? "";
    expect(await club.getByTestId("note-title").textContent()).toContain(title);
    await club.goto(`${base()}${notePath}`);
    expect(
      await club
        .getByTestId("event-block")
        .getByRole("link", { name: "Read the recap" })
        .getAttribute("href"),
    ).toBe(`/notes/${recapId}`);
    await waitForCard(student, "/following", recapId);
    expect(await noteCard(student, recapId).textContent()).toContain(title);

    expect(errors).toEqual({ officer: [], club: [], expert: [], student: [] });
  }, 180_000);
});
