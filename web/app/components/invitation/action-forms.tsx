import { Form } from "react-router";
import { TextAreaField, TextField } from "~/components/field";
import { When } from "~/components/when";
import type { InvitationAction, InvitationPage, InvitationSlot } from "~/lib/api-types";
import type { FieldErrors } from "~/lib/forms";
import type { MessageKey } from "~/lib/i18n";
import { MAX_SLOTS } from "~/lib/invitation";
import { useT } from "~/lib/root-data";
import { useTimeZone } from "~/lib/time-zone";
import { useIntentBusy } from "~/lib/use-intent-busy";

/** A button alone in its form: sign-off, send, complete. */
export function ActionForm({ intent, label, testId }: { intent: string; label: string; testId: string }) {
  const busy = useIntentBusy(intent);
  return (
    <Form method="post" className="action-form">
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" className="button" disabled={busy} data-testid={testId}>
        {label}
      </button>
    </Form>
  );
}

/**
 * The expert's consent to be named on the session's public event, asked on each of their yeses
 * (accept, counter); a hidden marker says the box was shown (an unticked box sends nothing).
 */
function NamePubliclyChoice({ t, testId }: { t: ReturnType<typeof useT>; testId: string }) {
  return (
    <label className="choice">
      <input type="hidden" name="consentShown" value="1" />
      <input type="checkbox" name="namePublicly" defaultChecked data-testid={testId} />
      <span>
        {t("action.namePublicly")}
        <span className="field-hint"> {t("action.namePubliclyHint")}</span>
      </span>
    </label>
  );
}

interface TransitionProps {
  action: InvitationAction;
  party: InvitationPage["party"];
  slots: InvitationSlot[];
  now: number;
  errors: FieldErrors;
  countersLeft: number;
}

/** One form per action the API says this viewer may take now; nothing else is offered. */
export function TransitionForm({ action, party, slots, now, errors, countersLeft }: TransitionProps) {
  const t = useT();
  const zone = useTimeZone();
  const busy = useIntentBusy(action);
  const testId = `action-${action}`;
  const label = t(`action.${action}` as MessageKey);

  if (action === "send" || action === "complete") {
    return <ActionForm intent={action} label={label} testId={testId} />;
  }
  if (action === "accept") {
    const current = slots.filter((slot) => slot.current && slot.proposedBy !== party);
    const offered = current.length ? current : slots.filter((slot) => slot.current);
    return (
      <Form method="post" className="action-form">
        <input type="hidden" name="intent" value="accept" />
        <fieldset className={errors.slotId ? "has-error" : undefined}>
          <legend>{t("action.chooseSlot")}</legend>
          <ul className="plain choice-list" data-testid="accept-slots">
            {offered.map((slot) => (
              <li key={slot.id}>
                <label className="choice">
                  <input
                    type="radio"
                    name="slotId"
                    value={slot.id}
                    required
                    defaultChecked={offered.length === 1}
                    disabled={Date.parse(slot.startsAt) <= now}
                  />
                  <When iso={slot.startsAt} />
                </label>
              </li>
            ))}
          </ul>
          {errors.slotId ? <p className="field-error">{errors.slotId}</p> : null}
        </fieldset>
        {party === "expert" ? <NamePubliclyChoice t={t} testId="name-publicly" /> : null}
        <button type="submit" className="button" disabled={busy} data-testid={testId}>
          {label}
        </button>
      </Form>
    );
  }
  if (action === "counter") {
    return (
      <Form method="post" className="action-form">
        <input type="hidden" name="intent" value="counter" />
        <input type="hidden" name="tz" value={zone} />
        <fieldset className={errors.slots ? "has-error" : undefined}>
          <legend>{t("action.counterSlots", { zone })}</legend>
          {Array.from({ length: MAX_SLOTS }, (_, i) => (
            <TextField
              // biome-ignore lint/suspicious/noArrayIndexKey: the slot fields are fixed positions, named slot1..slotN
              key={`slot${i + 1}`}
              label={t("action.counterSlot", { n: i + 1 })}
              name={`slot${i + 1}`}
              type="datetime-local"
              required={i === 0}
            />
          ))}
          {errors.slots ? <p className="field-error">{errors.slots}</p> : null}
        </fieldset>
        <p className="muted small">{t("action.countersLeft", { n: countersLeft })}</p>
        {/* A counter the requester accepts is the expert's yes too: the consent is asked here as well. */}
        {party === "expert" ? <NamePubliclyChoice t={t} testId="counter-name-publicly" /> : null}
        <TextAreaField
          label={t("action.message")}
          name="message"
          rows={2}
          maxLength={2000}
          error={errors.message}
        />
        <button type="submit" className="button button-ghost" disabled={busy} data-testid={testId}>
          {label}
        </button>
      </Form>
    );
  }
  // decline, cancel: an optional message to the other side.
  return (
    <Form method="post" className="action-form">
      <input type="hidden" name="intent" value={action} />
      <TextAreaField
        label={t("action.message")}
        name="message"
        rows={2}
        maxLength={2000}
        error={errors.message}
      />
      <button type="submit" className="button button-danger" disabled={busy} data-testid={testId}>
        {label}
      </button>
    </Form>
  );
}
