import { TextField } from "~/components/field";
import { SlotPicker } from "~/components/slot-picker";
import type { FieldErrors } from "~/lib/forms";
import type { Translate } from "~/lib/i18n";
import { DEADLINE_MARGIN, type InviteSchedule } from "~/lib/invite/use-invite-schedule";
import { MINUTE, toLocalInput } from "~/lib/time";

/** Session length and audience, the start times to offer, and the deadline for the expert's answer. */
export function ScheduleFields({
  schedule,
  errors,
  audienceSize,
  outside,
  now,
  zone,
  t,
}: {
  schedule: InviteSchedule;
  errors: FieldErrors;
  audienceSize: string;
  outside: string[] | undefined;
  now: number;
  zone: string;
  t: Translate;
}) {
  const { earliest } = schedule;
  return (
    <>
      <div className="field-row">
        <TextField
          label={t("invite.duration")}
          name="durationMinutes"
          type="number"
          min={15}
          max={480}
          step={15}
          required
          hint={t("invite.durationHint")}
          value={schedule.durationText}
          onChange={(event) => schedule.changeDuration(event.currentTarget.value)}
          error={errors.durationMinutes}
        />
        <TextField
          label={t("invite.audience")}
          name="audienceSize"
          type="number"
          min={1}
          max={5000}
          required
          defaultValue={audienceSize}
          error={errors.audienceSize}
        />
      </div>

      <SlotPicker
        options={schedule.options}
        picked={schedule.picked}
        onToggle={schedule.toggle}
        outside={outside}
        booked={schedule.booked}
        error={errors.slots}
      />

      <TextField
        label={t("invite.deadline")}
        name="responseDeadline"
        type="datetime-local"
        required
        hint={t("invite.deadlineHint", { zone })}
        min={toLocalInput(now + DEADLINE_MARGIN, zone)}
        max={earliest !== null ? toLocalInput(earliest - MINUTE, zone) : undefined}
        value={schedule.deadline}
        onChange={(event) => schedule.changeDeadline(event.currentTarget.value)}
        error={errors.responseDeadline ?? (schedule.deadlineLate ? t("invite.deadlineAfterSlot") : undefined)}
        data-testid="response-deadline"
      />
    </>
  );
}
