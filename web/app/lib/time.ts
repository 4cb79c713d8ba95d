import type { AvailabilityWindow } from "./api-types";
import type { MessageKey, Translate } from "./i18n";

/**
 * Time-zone arithmetic without a library: Intl gives an instant's wall clock in a zone, and a wall
 * clock's instant is found by correcting a UTC guess with the zone's offset (twice, for DST edges).
 * Formatting is done from numeric parts and our own dictionaries, so the server's and the browser's
 * ICU versions cannot render a date differently (which would break hydration).
 */

export const TZ_COOKIE = "tz";
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || !zone || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The `tz` cookie the browser sets once it has run (see TimeZoneSync), else UTC. */
export function requestTimeZone(request: Request): string {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === TZ_COOKIE && value) {
      const zone = decodeURIComponent(value);
      if (isTimeZone(zone)) return zone;
    }
  }
  return "UTC";
}

const FORMATS = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    FORMATS.set(timeZone, format);
  }
  return format;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday. */
  weekday: number;
}

/** An instant's calendar date and time of day in a zone. */
export function wallClock(instant: number, timeZone: string): WallClock {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const year = get("year");
  const month = get("month");
  const day = get("day");
  return {
    year,
    month,
    day,
    hour: get("hour") % 24,
    minute: get("minute"),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const seconds = Math.floor(instant / 1000) % 60;
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, seconds);
  return asUtc - (instant - (instant % 1000));
}

/** The instant a wall clock shows in a zone (month 1-12; day may overflow, Date.UTC rolls it over). */
export function zonedInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return second;
}

const pad = (n: number) => String(n).padStart(2, "0");

export function hhmm(w: Pick<WallClock, "hour" | "minute">): string {
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** The value of an `<input type="datetime-local">` showing `instant` in `timeZone`. */
export function toLocalInput(instant: number, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${hhmm(w)}`;
}

/** A datetime-local value read as a wall clock in `timeZone`; null when it is not one. */
export function fromLocalInput(value: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  return zonedInstant(year, month, day, hour, minute, timeZone);
}

function parseInstant(value: string | number): number {
  return typeof value === "number" ? value : Date.parse(value);
}

/** "Sat 7 Mar 2026" / "2026年3月7日 周六" in a zone. */
export function formatDate(value: string | number, timeZone: string, t: Translate): string {
  const w = wallClock(parseInstant(value), timeZone);
  return t("time.date", {
    weekday: t(`weekday.${w.weekday}` as MessageKey),
    day: w.day,
    month: t(`month.${w.month}` as MessageKey),
    monthNumber: w.month,
    year: w.year,
  });
}

/** "Sat 7 Mar 2026, 10:00" in a zone, without naming it. */
export function formatDateTime(value: string | number, timeZone: string, t: Translate): string {
  const instant = parseInstant(value);
  if (Number.isNaN(instant)) return "";
  return t("time.dateTime", {
    date: formatDate(instant, timeZone, t),
    time: hhmm(wallClock(instant, timeZone)),
  });
}

/** As formatDateTime, with the zone named: "Sat 7 Mar 2026, 10:00 (Asia/Kuala_Lumpur)". */
export function formatZoned(value: string | number, timeZone: string, t: Translate): string {
  const text = formatDateTime(value, timeZone, t);
  return text ? `${text} (${timeZone})` : "";
}

const minutesOf = (clock: string) => {
  const [h = "0", m = "0"] = clock.split(":");
  return Number(h) * 60 + Number(m);
};

/** The API's own rule: [start, start + duration) inside one weekly window, on one date, in its zone. */
export function fitsAvailability(
  start: number,
  durationMinutes: number,
  windows: readonly AvailabilityWindow[],
): boolean {
  const end = start + durationMinutes * MINUTE;
  return windows.some((window) => {
    const from = wallClock(start, window.timeZone);
    const to = wallClock(end, window.timeZone);
    const sameDate = from.year === to.year && from.month === to.month && from.day === to.day;
    return (
      from.weekday === window.weekday && sameDate && hhmm(from) >= window.start && hhmm(to) <= window.end
    );
  });
}

export interface SlotOption {
  /** ISO UTC: what the form submits. */
  iso: string;
  instant: number;
  timeZone: string;
  /** YYYY-MM-DD in the window's zone: options are grouped by it. */
  dateKey: string;
}

/**
 * Start times every `stepMinutes` inside each weekly window over the next `days` days (calendar days
 * in the window's zone), for a session of `durationMinutes` that must end inside the window too,
 * starting no earlier than `notBefore`. Sorted, without repeats.
 */
export function availabilityStarts(
  windows: readonly AvailabilityWindow[],
  durationMinutes: number,
  options: { from: number; notBefore: number; days?: number; stepMinutes?: number },
): SlotOption[] {
  const days = options.days ?? 21;
  const step = options.stepMinutes ?? 30;
  const found = new Map<number, SlotOption>();
  if (!Number.isFinite(durationMinutes) || durationMinutes < 1) return [];
  for (const window of windows) {
    if (!isTimeZone(window.timeZone)) continue;
    const today = wallClock(options.from, window.timeZone);
    const startMinutes = minutesOf(window.start);
    const endMinutes = minutesOf(window.end);
    for (let offset = 0; offset <= days; offset++) {
      const date = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
      if (date.getUTCDay() !== window.weekday) continue;
      for (let minute = startMinutes; minute + durationMinutes <= endMinutes; minute += step) {
        const instant = zonedInstant(
          date.getUTCFullYear(),
          date.getUTCMonth() + 1,
          date.getUTCDate(),
          Math.floor(minute / 60),
          minute % 60,
          window.timeZone,
        );
        if (instant < options.notBefore || instant > options.from + days * DAY) continue;
        if (found.has(instant) || !fitsAvailability(instant, durationMinutes, [window])) continue;
        found.set(instant, {
          iso: new Date(instant).toISOString(),
          instant,
          timeZone: window.timeZone,
          dateKey: date.toISOString().slice(0, 10),
        });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.instant - b.instant);
}

/**
 * A weekly window in the viewer's zone, at its next occurrence (offsets change with DST): the
 * weekday and times as the viewer would read them, or null when the zones agree.
 */
export function windowInZone(
  window: AvailabilityWindow,
  viewerZone: string,
  now: number,
): { weekday: number; start: string; end: string } | null {
  if (!isTimeZone(window.timeZone) || window.timeZone === viewerZone) return null;
  const today = wallClock(now, window.timeZone);
  const ahead = (window.weekday - today.weekday + 7) % 7;
  const startMinutes = minutesOf(window.start);
  const endMinutes = minutesOf(window.end);
  const at = (minutes: number) =>
    zonedInstant(
      today.year,
      today.month,
      today.day + ahead,
      Math.floor(minutes / 60),
      minutes % 60,
      window.timeZone,
    );
  const start = wallClock(at(startMinutes), viewerZone);
  const end = wallClock(at(endMinutes), viewerZone);
  const same = start.weekday === window.weekday && hhmm(start) === window.start && hhmm(end) === window.end;
  if (same) return null;
  return { weekday: start.weekday, start: hhmm(start), end: hhmm(end) };
}
