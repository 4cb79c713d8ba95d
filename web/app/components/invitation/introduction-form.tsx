import { Form } from "react-router";
import { TextAreaField } from "~/components/field";
import type { FieldErrors } from "~/lib/forms";
import { useT } from "~/lib/root-data";
import { useIntentBusy } from "~/lib/use-intent-busy";

/** Ask a mutual connection of the requester and the expert to introduce the invitation. */
export function IntroductionForm({
  expertName,
  mutuals,
  errors,
}: {
  expertName: string;
  mutuals: { userId: string; displayName: string }[];
  errors: FieldErrors;
}) {
  const t = useT();
  const busy = useIntentBusy("introduce");
  return (
    <section className="card" aria-labelledby="intro-title" data-testid="introduction-form">
      <h2 id="intro-title">{t("intro.title")}</h2>
      <p className="muted small">{t("intro.lead", { expert: expertName })}</p>
      <Form method="post" className="form">
        <input type="hidden" name="intent" value="introduce" />
        <label className="inline-field">
          <span>{t("intro.connector")}</span>
          <select name="connectorId" data-testid="intro-connector">
            {mutuals.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.displayName}
              </option>
            ))}
          </select>
        </label>
        {errors.connectorId ? <p className="field-error">{errors.connectorId}</p> : null}
        <TextAreaField label={t("intro.message")} name="note" rows={2} maxLength={1000} />
        <button type="submit" className="button" disabled={busy} data-testid="intro-ask">
          {t("intro.ask")}
        </button>
      </Form>
    </section>
  );
}
