import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import type { Invitation } from "../../worker/src/pro/schema";
import { calendarMethod } from "../../worker/src/pro/services/invitation-mail";
import { call, json, signUp, uniqueEmail, waitForMail } from "../support/http";
import { act, draft, expert, page } from "./fixtures";
import { lifecyclePage, mailedCalendars, reschedule, waitForCalendar } from "./lifecycle-fixtures";

const DAY = 86_400_000;
const LONDON = "Europe/London";
const KL = "Asia/Kuala_Lumpur";

/** Minutes `zone` is ahead of UTC at `instant`. */
function offsetMinutes(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
  }).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return (Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute")) - instant) / 60_000;
}

/** The UTC instant of `hour`:00 local time in `zone` on the UTC calendar day of `day`. */
function localHour(day: number, hour: number, zone: string): number {
  const d = new Date(day);
  const guess = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour);
  return guess - offsetMinutes(guess - offsetMinutes(guess, zone) * 60_000, zone) * 60_000;
}

/** Noon UTC of the first day, at least four days from now, on which London's offset changes (BST starts or ends). */
function nextLondonChange(): number {
  let day = Math.floor(Date.now() / DAY) * DAY + 4 * DAY + DAY / 2;
  for (let i = 0; i < 400; i++, day += DAY)
    if (offsetMinutes(day, LONDON) !== offsetMinutes(day - DAY, LONDON)) return day;
  throw new Error("London has no offset change within 400 days");
}

function hourIn(instant: number, zone: string): number {
  return Number(
    new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "numeric", hourCycle: "h23" }).format(instant),
  );
}

/** The calendar read by ical.js, a full RFC 5545 parser: its METHOD and its one event. */
function read(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevent = calendar.getFirstSubcomponent("vevent");
  if (!vevent) throw new Error("no VEVENT");
  const event = new ICAL.Event(vevent);
  return {
    method: calendar.getFirstPropertyValue("method"),
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate,
    end: event.endDate,
    status: vevent.getFirstPropertyValue("status"),
    url: vevent.getFirstPropertyValue("url"),
    location: event.location,
  };
}

describe("calendar files that update, read back by ical.js", () => {
  it("a London expert and a KL requester: scheduled, link set, moved across the clocks changing, cancelled — one UID, SEQUENCE rising, times right", async () => {
    const change = nextLondonChange();
    // 10:00 in London two days before the clocks change, and two days after.
    const before = localHour(change - 2 * DAY, 10, LONDON);
    const after = localHour(change + 2 * DAY, 10, LONDON);
    // The offset really differs, so one fixed offset could not get both right.
    expect(offsetMinutes(before, LONDON)).not.toBe(offsetMinutes(after, LONDON));
    const londonWeek = Array.from({ length: 7 }, (_, weekday) => ({
      weekday,
      start: "06:00",
      end: "20:00",
      timeZone: LONDON,
    }));
    const pro = await expert(londonWeek);
    const student = await signUp({ displayName: "Aina", email: uniqueEmail("aina", "siswa.um.edu.my") });
    const id = await draft(student.cookie, pro.id, { slots: [new Date(before).toISOString()] });
    expect((await act(student.cookie, id, "send")).status).toBe(200);
    const slot = (await page(pro.cookie, id)).slots[0];
    await json(await act(pro.cookie, id, "accept", { slotId: slot?.id, namePublicly: false }));

    // Scheduled: both sides' mail… the requester's carries the REQUEST.
    const first = read(await waitForCalendar(student.email, "scheduled"));
    expect(first.method).toBe("REQUEST");
    expect(first.uid).toBe(`${id}@atas.dev`);
    expect(first.start.zone?.tzid).toBe("UTC");
    expect(first.start.toJSDate().getTime()).toBe(before);
    expect(first.end.toJSDate().getTime()).toBe(before + 60 * 60_000);
    expect(hourIn(first.start.toJSDate().getTime(), LONDON)).toBe(10);
    expect(hourIn(first.start.toJSDate().getTime(), KL)).toBe(
      (10 - offsetMinutes(before, LONDON) / 60 + 8) % 24,
    );
    expect(first.status).toBe("CONFIRMED");

    // The meeting link: the calendar is sent again with it, same UID, higher SEQUENCE.
    const link = "https://meet.example.com/atas-payments";
    expect(
      (
        await call(`/api/invitations/${id}/meeting-link`, {
          method: "PATCH",
          cookie: pro.cookie,
          json: { url: link },
        })
      ).status,
    ).toBe(200);
    const linked = read(await waitForCalendar(student.email, "meeting link"));
    expect(linked.method).toBe("REQUEST");
    expect(linked.uid).toBe(first.uid);
    expect(linked.sequence).toBeGreaterThan(first.sequence);
    expect(linked.url).toBe(link);
    expect(linked.location).toBe(link);

    // The requester proposes 10:00 London after the clocks change; the expert accepts.
    const proposed = await json<{ reschedule: string }>(
      await reschedule(student.cookie, id, null, {
        slots: [new Date(after).toISOString()],
        message: "A week later?",
      }),
    );
    expect(proposed.reschedule).toBe("open");
    const offer = (await lifecyclePage(pro.cookie, id)).reschedule?.slots[0];
    expect(offer?.startsAt).toBe(new Date(after).toISOString());
    await json(await reschedule(pro.cookie, id, "accept", { slotId: offer?.id }));
    const moved = read(await waitForCalendar(student.email, "moved to a new time"));
    expect(moved.method).toBe("REQUEST");
    expect(moved.uid).toBe(first.uid);
    expect(moved.sequence).toBeGreaterThan(linked.sequence);
    expect(moved.start.toJSDate().getTime()).toBe(after);
    expect(hourIn(moved.start.toJSDate().getTime(), LONDON)).toBe(10);
    // In Kuala Lumpur (no daylight saving) the same London 10:00 is an hour apart on the two dates.
    expect(Math.abs(hourIn(after, KL) - hourIn(before, KL))).toBe(1);
    // The proposal's own mail to the expert carries no calendar: nothing moved yet.
    expect(await mailedCalendars(pro.email, "new times proposed")).toEqual([]);

    // The calendar file on the page says the same.
    const download = read(
      await (await call(`/api/invitations/${id}/ics`, { cookie: student.cookie })).text(),
    );
    expect(download.uid).toBe(first.uid);
    expect(download.sequence).toBe(moved.sequence);
    expect(download.start.toJSDate().getTime()).toBe(after);

    // Cancelled: METHOD:CANCEL, same UID, higher SEQUENCE still, to the other side.
    expect((await act(student.cookie, id, "cancel", { message: "Exams moved" })).status).toBe(200);
    const cancelled = read(await waitForCalendar(pro.email, "cancelled"));
    expect(cancelled.method).toBe("CANCEL");
    expect(cancelled.uid).toBe(first.uid);
    expect(cancelled.sequence).toBeGreaterThan(moved.sequence);
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.start.toJSDate().getTime()).toBe(after);
  });

  it("cancelling an invitation that was never scheduled sends no calendar file", async () => {
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    await act(student.cookie, id, "send");
    expect((await act(student.cookie, id, "cancel")).status).toBe(200);
    // The expert's cancellation mail arrives, without an attachment.
    await waitForMail(pro.email, "cancelled");
    expect(await mailedCalendars(pro.email, "cancelled")).toEqual([]);
  });
});

describe("which calendar file a mail carries", () => {
  const at = Date.UTC(2027, 0, 5, 2);
  const scheduledRow = { status: "scheduled", scheduledStart: at } as Invitation;
  const cancelledRow = { status: "cancelled", scheduledStart: at } as Invitation;
  const event = (action: string, fromStatus: string, toStatus: string) => ({ action, fromStatus, toStatus });

  it("REQUEST when the session is scheduled, moved or given a link; CANCEL only for a scheduled session; nothing for proposals", () => {
    expect(calendarMethod(event("schedule", "accepted", "scheduled"), scheduledRow)).toBe("REQUEST");
    expect(calendarMethod(event("reschedule-accept", "scheduled", "scheduled"), scheduledRow)).toBe(
      "REQUEST",
    );
    expect(calendarMethod(event("meeting-link", "scheduled", "scheduled"), scheduledRow)).toBe("REQUEST");
    for (const action of [
      "reschedule-propose",
      "reschedule-counter",
      "reschedule-decline",
      "reschedule-withdraw",
    ])
      expect(calendarMethod(event(action, "scheduled", "scheduled"), scheduledRow)).toBeNull();
    expect(calendarMethod(event("cancel", "scheduled", "cancelled"), cancelledRow)).toBe("CANCEL");
    expect(
      calendarMethod(event("cancel", "sent", "cancelled"), { ...cancelledRow, scheduledStart: null }),
    ).toBeNull();
    // A mail sent after the session was cancelled never re-sends it as a REQUEST.
    expect(calendarMethod(event("reschedule-accept", "scheduled", "scheduled"), cancelledRow)).toBeNull();
  });
});
