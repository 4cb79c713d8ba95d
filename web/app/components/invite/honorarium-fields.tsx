import { SelectField, TextField } from "~/components/field";
import type { FieldErrors } from "~/lib/forms";
import type { Translate } from "~/lib/i18n";
import { CURRENCIES } from "~/lib/invitation";

/** The honorarium offered, if any: an amount and its currency. */
export function HonorariumFields({
  value,
  errors,
  t,
}: {
  value: (name: string, fallback: string) => string;
  errors: FieldErrors;
  t: Translate;
}) {
  return (
    <fieldset>
      <legend>{t("invite.honorarium")}</legend>
      <div className="field-row">
        <TextField
          label={t("invite.honorariumAmount")}
          name="honorariumAmount"
          inputMode="decimal"
          hint={t("invite.honorariumHint")}
          defaultValue={value("honorariumAmount", "")}
          error={errors.honorariumAmount}
        />
        <SelectField label={t("invite.currency")} name="currency" defaultValue={value("currency", "MYR")}>
          {CURRENCIES.map((currency) => (
            <option key={currency} value={currency}>
              {currency}
            </option>
          ))}
        </SelectField>
      </div>
    </fieldset>
  );
}
