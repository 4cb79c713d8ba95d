import { Form } from "react-router";
import { TextAreaField, TextField } from "~/components/field";
import { When } from "~/components/when";
import type { InvitationPage } from "~/lib/api-types";
import type { FieldErrors } from "~/lib/forms";
import { MAX_SLOTS } from "~/lib/invitation";
import { useT } from "~/lib/root-data";
import { useTimeZone } from "~/lib/time-zone";
import { useIntentBusy } from "~/lib/use-intent-busy";

type Props = Pick<InvitationPage, "reschedule" | "rescheduleActions" | "party"> & {
  now: number;
  /** The reschedule form the last refused submission came from, and its errors. */
  refusedIntent: string | undefined;
  errors: FieldErrors;
};

/**
 * Moving a scheduled session: the open proposal with its times, and the forms the API says this
 * viewer may use now (propose, accept one, decline, counter, withdraw). The propose and counter
 * forms sit in a disclosure (<details>), a dialog that needs no JavaScript.
 */
export function RescheduleSection({
  reschedule,
  rescheduleActions,
  party,
  now,
  refusedIntent,
  errors,
}: Props) {
  const t = useT();
  if (rescheduleActions.length === 0 && !reschedule) return null;
  const may = (action: string) => rescheduleActions.includes(action as never);
  const errorsFor = (intent: string) => (refusedIntent === intent ? errors : {});
  return (
    <section className="card" aria-labelledby="reschedule-title" data-testid="reschedule">
      <h2 id="reschedule-title">{t("reschedule.title")}</h2>
      {reschedule ? (
        <>
          <p>
            {reschedule.proposedBy === party
              ? t("reschedule.waiting")
              : t("reschedule.open", { name: reschedule.proposerName })}
          </p>
          {reschedule.message ? <p className="prewrap quote">{reschedule.message}</p> : null}
          {may("accept") ? (
            <RescheduleAccept slots={reschedule.slots} now={now} errors={errorsFor("reschedule-accept")} />
          ) : (
            <ul className="plain" data-testid="reschedule-slots">
              {reschedule.slots.map((slot) => (
                <li key={slot.id}>
                  <When iso={slot.startsAt} />
                </li>
              ))}
            </ul>
          )}
          <p className="muted small">{t("reschedule.roundsLeft", { n: reschedule.roundsLeft })}</p>
        </>
      ) : null}
      <div className="action-forms">
        {may("decline") ? <PlainForm intent="reschedule-decline" label={t("reschedule.decline")} /> : null}
        {may("withdraw") ? <PlainForm intent="reschedule-withdraw" label={t("reschedule.withdraw")} /> : null}
        {may("propose") ? (
          <ProposeForm
            intent="reschedule-propose"
            label={t("reschedule.propose")}
            errors={errorsFor("reschedule-propose")}
          />
        ) : null}
        {may("counter") ? (
          <ProposeForm
            intent="reschedule-counter"
            label={t("reschedule.counter")}
            errors={errorsFor("reschedule-counter")}
          />
        ) : null}
      </div>
    </section>
  );
}

function RescheduleAccept({
  slots,
  now,
  errors,
}: {
  slots: NonNullable<InvitationPage["reschedule"]>["slots"];
  now: number;
  errors: FieldErrors;
}) {
  const t = useT();
  const busy = useIntentBusy("reschedule-accept");
  return (
    <Form method="post" className="action-form">
      <input type="hidden" name="intent" value="reschedule-accept" />
      <fieldset className={errors.slotId ? "has-error" : undefined}>
        <legend>{t("action.chooseSlot")}</legend>
        <ul className="plain choice-list" data-testid="reschedule-slots">
          {slots.map((slot) => (
            <li key={slot.id}>
              <label className="choice">
                <input
                  type="radio"
                  name="slotId"
                  value={slot.id}
                  required
                  defaultChecked={slots.length === 1}
                  disabled={Date.parse(slot.startsAt) <= now}
                />
                <When iso={slot.startsAt} />
              </label>
            </li>
          ))}
        </ul>
        {errors.slotId ? <p className="field-error">{errors.slotId}</p> : null}
      </fieldset>
      <button type="submit" className="button" disabled={busy} data-testid="reschedule-accept">
        {t("reschedule.accept")}
      </button>
    </Form>
  );
}

function PlainForm({ intent, label }: { intent: string; label: string }) {
  const t = useT();
  const busy = useIntentBusy(intent);
  return (
    <Form method="post" className="action-form">
      <input type="hidden" name="intent" value={intent} />
      <TextAreaField label={t("action.message")} name="message" rows={2} maxLength={2000} />
      <button type="submit" className="button button-ghost" disabled={busy} data-testid={intent}>
        {label}
      </button>
    </Form>
  );
}

function ProposeForm({ intent, label, errors }: { intent: string; label: string; errors: FieldErrors }) {
  const t = useT();
  const zone = useTimeZone();
  const busy = useIntentBusy(intent);
  return (
    <details className="action-form dialog" open={Object.keys(errors).length > 0}>
      <summary className="button button-ghost" data-testid={`${intent}-open`}>
        {label}
      </summary>
      <Form method="post">
        <input type="hidden" name="intent" value={intent} />
        <input type="hidden" name="tz" value={zone} />
        <fieldset className={errors.slots ? "has-error" : undefined}>
          <legend>{t("reschedule.proposeHint", { zone })}</legend>
          {Array.from({ length: MAX_SLOTS }, (_, i) => (
            <TextField
              // biome-ignore lint/suspicious/noArrayIndexKey: the slot fields are fixed positions, named slot1..slotN
              key={`slot${i + 1}`}
              label={t("reschedule.slot", { n: i + 1 })}
              name={`slot${i + 1}`}
              type="datetime-local"
              required={i === 0}
            />
          ))}
          {errors.slots ? <p className="field-error">{errors.slots}</p> : null}
        </fieldset>
        <TextAreaField
          label={t("action.message")}
          name="message"
          rows={2}
          maxLength={2000}
          error={errors.message}
        />
        <button type="submit" className="button" disabled={busy} data-testid={intent}>
          {label}
        </button>
      </Form>
    </details>
  );
}
