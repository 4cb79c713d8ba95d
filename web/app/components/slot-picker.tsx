import { useId } from "react";
import type { Translate } from "~/lib/i18n";
import { MAX_SLOTS } from "~/lib/invitation";
import { useT } from "~/lib/root-data";
import { formatDate, formatDateTime, hhmm, type SlotOption, wallClock } from "~/lib/time";
import { useTimeZone } from "~/lib/time-zone";

interface SlotPickerProps {
  options: SlotOption[];
  picked: readonly string[];
  onToggle: (iso: string, checked: boolean) => void;
  /** ISO times the API said are outside the expert's availability. */
  outside?: readonly string[];
  /** ISO times the expert is already booked at: shown, greyed out, not pickable. */
  booked?: ReadonlySet<string>;
  error?: string | undefined;
}

/**
 * Start times inside the expert's weekly windows as checkboxes named `slots` (ISO UTC values), grouped
 * by day in the expert's zone, each with the viewer's own clock when their zone differs. Works as a
 * plain form without JavaScript; with it, a fourth pick is refused by disabling the rest.
 */
export function SlotPicker({ options, picked, onToggle, outside = [], booked, error }: SlotPickerProps) {
  const t = useT();
  const zone = useTimeZone();
  const id = useId();
  const full = picked.length >= MAX_SLOTS;
  const groups = new Map<string, SlotOption[]>();
  for (const option of options) {
    const key = `${option.timeZone} ${option.dateKey}`;
    groups.set(key, [...(groups.get(key) ?? []), option]);
  }
  const outsideSet = new Set(outside.map((iso) => Date.parse(iso)));

  return (
    <fieldset
      className={error ? "slot-picker has-error" : "slot-picker"}
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
      data-testid="slot-picker"
    >
      <legend>{t("invite.slots")}</legend>
      <p id={`${id}-hint`} className="field-hint">
        {t("invite.slotsHint")} {t("invite.viewerZone", { zone })}
        {booked?.size ? ` ${t("invite.busyHint")}` : null}
      </p>
      <p className="slot-count" aria-live="polite" data-testid="slot-count">
        {t("invite.slotsPicked", { count: picked.length })}
      </p>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
      {options.length === 0 ? <p className="muted">{t("invite.noSlots")}</p> : null}
      <div className="slot-days">
        {[...groups.entries()].map(([key, group], index) => {
          const first = group[0];
          if (!first) return null;
          const titleId = `${id}-day-${index}`;
          return (
            // biome-ignore lint/a11y/useSemanticElements: a day groups radio choices under its heading; a fieldset would need a legend
            <div key={key} className="slot-day" role="group" aria-labelledby={titleId}>
              <h3 id={titleId} className="slot-day-title">
                {formatDate(first.instant, first.timeZone, t)}{" "}
                <span className="muted small">({first.timeZone})</span>
              </h3>
              <ul className="slot-options">
                {group.map((option) => {
                  const checked = picked.includes(option.iso);
                  const refused = outsideSet.has(option.instant);
                  const taken = booked?.has(option.iso) ?? false;
                  return (
                    <li key={option.iso}>
                      <label
                        className={`slot-option${refused ? " refused" : ""}${taken ? " booked" : ""}`}
                        data-testid={taken ? "slot-option-booked" : "slot-option"}
                      >
                        <input
                          type="checkbox"
                          name="slots"
                          value={option.iso}
                          checked={checked && !taken}
                          disabled={taken || (!checked && full)}
                          onChange={(event) => onToggle(option.iso, event.currentTarget.checked)}
                        />
                        <span className="slot-time">{hhmm(wallClock(option.instant, option.timeZone))}</span>
                        {taken ? <span className="muted small">{t("invite.busy")}</span> : null}
                        {zone !== option.timeZone ? (
                          <span className="slot-local muted small">
                            {t("invite.yourTime", { time: viewerTime(option, zone, t) })}
                          </span>
                        ) : null}
                      </label>
                    </li>
                  );
                })}
              </ul>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

/** The viewer's clock for an option: the time alone on the same date, with the date when it differs. */
function viewerTime(option: SlotOption, zone: string, t: Translate): string {
  const theirs = wallClock(option.instant, option.timeZone);
  const mine = wallClock(option.instant, zone);
  const sameDate = theirs.year === mine.year && theirs.month === mine.month && theirs.day === mine.day;
  return sameDate ? hhmm(mine) : formatDateTime(option.instant, zone, t);
}
