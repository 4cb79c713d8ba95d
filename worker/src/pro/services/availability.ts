import type { AvailabilityWindow } from "../../profiles/schema";

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** Weekday (0 = Sunday), HH:MM and YYYY-MM-DD of an instant in a time zone. */
export function localTime(instant: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    weekday: "short",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(instant));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    weekday: WEEKDAYS.indexOf(get("weekday")),
    hhmm: `${get("hour")}:${get("minute")}`,
    date: `${get("year")}-${get("month")}-${get("day")}`,
  };
}

/** Whether [start, start + duration) lies inside one of the expert's weekly windows, in that window's zone. */
export function fitsAvailability(
  start: number,
  durationMinutes: number,
  windows: AvailabilityWindow[],
): boolean {
  const end = start + durationMinutes * 60_000;
  return windows.some((window) => {
    const from = localTime(start, window.timeZone);
    const to = localTime(end, window.timeZone);
    return (
      from.weekday === window.weekday &&
      to.date === from.date &&
      from.hhmm >= window.start &&
      to.hhmm <= window.end
    );
  });
}
