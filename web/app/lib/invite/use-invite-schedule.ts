import { useState } from "react";
import type { AvailabilityWindow } from "~/lib/api-types";
import { MAX_SLOTS } from "~/lib/invitation";
import { parseWholeNumber } from "~/lib/profile-form";
import { availabilityStarts, DAY, fromLocalInput, HOUR, MINUTE, toLocalInput } from "~/lib/time";

export const DEFAULT_DURATION = 60;
/** Offered times start this far ahead, leaving room for a response deadline at least an hour away. */
export const LEAD_TIME = 4 * HOUR;
export const DEADLINE_MARGIN = HOUR;

export function validDuration(text: string): number | null {
  return parseWholeNumber(text, 15, 480) ?? null;
}

export type InviteSchedule = ReturnType<typeof useInviteSchedule>;

/**
 * The invitation form's times: the session length, the start times the expert's availability
 * offers for it, the ones picked, and a response deadline suggested a day before the first
 * pick until the inviter sets one.
 */
export function useInviteSchedule({
  availability,
  now,
  zone,
  values,
  picked: pickedBefore,
  busy = [],
}: {
  availability: readonly AvailabilityWindow[];
  now: number;
  zone: string;
  /** What a refused submission sent, so the form shows it again. */
  values: Record<string, string> | undefined;
  picked: string[] | undefined;
  /** The expert's booked sessions: a start whose session would overlap one is shown but cannot be picked. */
  busy?: readonly { start: string; end: string }[];
}) {
  const [durationText, setDurationText] = useState(values?.durationMinutes ?? String(DEFAULT_DURATION));
  // The last valid duration: the times offered follow it, not every keystroke on the way ("6" of "60").
  const [duration, setDuration] = useState(() => validDuration(durationText) ?? DEFAULT_DURATION);
  const [chosen, setChosen] = useState<string[]>(pickedBefore ?? []);
  const [deadline, setDeadline] = useState(values?.responseDeadline ?? "");
  const [deadlineTouched, setDeadlineTouched] = useState(Boolean(values?.responseDeadline));

  const starts = (minutes: number) =>
    availabilityStarts(availability, minutes, { from: now, notBefore: now + LEAD_TIME });
  const options = starts(duration);
  const booked = new Set(
    options
      .filter((option) =>
        busy.some(
          (b) =>
            Date.parse(b.start) < option.instant + duration * MINUTE && Date.parse(b.end) > option.instant,
        ),
      )
      .map((option) => option.iso),
  );
  const offered = new Set(options.filter((option) => !booked.has(option.iso)).map((option) => option.iso));
  const picked = chosen.filter((iso) => offered.has(iso));
  const earliest = picked.length ? Math.min(...picked.map((iso) => Date.parse(iso))) : null;
  const deadlineAt = deadline ? fromLocalInput(deadline, zone) : null;
  const deadlineLate = earliest !== null && deadlineAt !== null && deadlineAt >= earliest;

  /** A day before the earliest pick, but at least two hours from now and at most a week away. */
  function suggestedDeadline(picks: string[]): string {
    const first = Math.min(...picks.map((iso) => Date.parse(iso)));
    const at = Math.max(Date.now() + 2 * HOUR, Math.min(first - DAY, Date.now() + 7 * DAY));
    const rounded = Math.floor(at / (15 * MINUTE)) * 15 * MINUTE;
    return toLocalInput(rounded, zone);
  }

  function toggle(iso: string, checked: boolean) {
    const next = checked
      ? [...picked.filter((p) => p !== iso), iso].slice(0, MAX_SLOTS)
      : picked.filter((p) => p !== iso);
    setChosen(next);
    if (!deadlineTouched && next.length) setDeadline(suggestedDeadline(next));
  }

  function changeDuration(text: string) {
    setDurationText(text);
    const minutes = validDuration(text);
    if (minutes === null) return;
    setDuration(minutes);
    // Picks that no longer fit a longer session are dropped.
    const fitting = new Set(starts(minutes).map((option) => option.iso));
    setChosen((current) => current.filter((iso) => fitting.has(iso)));
  }

  function changeDeadline(text: string) {
    setDeadline(text);
    setDeadlineTouched(true);
  }

  return {
    durationText,
    changeDuration,
    options,
    booked,
    picked,
    toggle,
    earliest,
    deadline,
    changeDeadline,
    deadlineLate,
  };
}
