import type { AvailabilityWindow } from "./api-types";

/** Comma-separated (also the full-width ， or new lines), trimmed, without empties or repeats. */
export function parseList(text: string): string[] {
  const items = text
    .split(/[,，\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
  return [...new Set(items)];
}

export function formatList(items: readonly string[] | undefined): string {
  return (items ?? []).join(", ");
}

export const WEEKDAY_ABBR = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

const WEEKDAYS: Record<string, number> = {
  sun: 0,
  sunday: 0,
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
};

export type LineProblem = "badLine" | "badWeekday" | "badTime" | "badZone" | "badOfficer";
export interface LineError {
  /** 1-based, as the user counts lines. */
  line: number;
  problem: LineProblem;
}

const WINDOW_LINE = /^(\S+)\s+(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s+(\S+)$/;

/** Lines like `Tue 19:00-21:00 Asia/Kuala_Lumpur`; blank lines are skipped. */
export function parseAvailability(text: string): { windows: AvailabilityWindow[]; errors: LineError[] } {
  const windows: AvailabilityWindow[] = [];
  const errors: LineError[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const fail = (problem: LineProblem) => errors.push({ line: index + 1, problem });
    const match = WINDOW_LINE.exec(line);
    if (!match) {
      fail("badLine");
      continue;
    }
    const [, day = "", startH = "", startM = "", endH = "", endM = "", timeZone = ""] = match;
    const weekday = WEEKDAYS[day.toLowerCase().replace(/\.$/, "")];
    const start = clock(startH, startM);
    const end = clock(endH, endM);
    if (weekday === undefined) fail("badWeekday");
    else if (!start || !end) fail("badLine");
    else if (start >= end) fail("badTime");
    else if (!isTimeZone(timeZone)) fail("badZone");
    else windows.push({ weekday, start, end, timeZone });
  }
  return { windows, errors };
}

export function formatAvailability(windows: readonly AvailabilityWindow[] | undefined): string {
  return (windows ?? [])
    .map((w) => `${WEEKDAY_ABBR[w.weekday] ?? w.weekday} ${w.start}-${w.end} ${w.timeZone}`)
    .join("\n");
}

function clock(hours: string, minutes: string): string | null {
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 23 || m > 59) return null;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Club officers, one per line: `user id, title`. */
export function parseOfficers(text: string): {
  officers: { userId: string; title: string }[];
  errors: LineError[];
} {
  const officers: { userId: string; title: string }[] = [];
  const errors: LineError[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^(\S+?)\s*[,，\s]\s*(.+)$/.exec(line);
    const userId = match?.[1] ?? "";
    const title = match?.[2]?.trim() ?? "";
    if (UUID.test(userId) && title) officers.push({ userId, title });
    else errors.push({ line: index + 1, problem: "badOfficer" });
  }
  return { officers, errors };
}

export function formatOfficers(officers: readonly { id: string; title: string }[] | undefined): string {
  return (officers ?? []).map((o) => `${o.id}, ${o.title}`).join("\n");
}

/** A whole number in [min, max], or null for an empty field; undefined when it is not one. */
export function parseWholeNumber(text: string, min: number, max: number): number | null | undefined {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : undefined;
}
