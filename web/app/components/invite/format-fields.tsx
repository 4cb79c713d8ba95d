import { useState } from "react";
import { SelectField, TextField } from "~/components/field";
import type { FieldErrors } from "~/lib/forms";
import type { MessageKey, Translate } from "~/lib/i18n";
import { FORMATS } from "~/lib/invitation";
import { useHydrated } from "~/lib/use-hydrated";

/** Online, onsite or hybrid, and the venue when the session is onsite. */
export function FormatFields({
  value,
  errors,
  t,
}: {
  value: (name: string, fallback: string) => string;
  errors: FieldErrors;
  t: Translate;
}) {
  const hydrated = useHydrated();
  const [format, setFormat] = useState(value("format", "online"));
  return (
    <>
      <SelectField
        label={t("invite.format")}
        name="format"
        value={format}
        onChange={(event) => setFormat(event.currentTarget.value)}
        error={errors.format}
      >
        {FORMATS.map((f) => (
          <option key={f} value={f}>
            {t(`format.${f}` as MessageKey)}
          </option>
        ))}
      </SelectField>
      {/* Without JavaScript the venue always shows, and its hint says when it is needed. */}
      {!hydrated || format === "onsite" || errors.venue ? (
        <TextField
          label={t("invite.venue")}
          name="venue"
          maxLength={200}
          required={hydrated && format === "onsite"}
          hint={t("invite.venueHint")}
          defaultValue={value("venue", "")}
          error={errors.venue}
        />
      ) : null}
    </>
  );
}
