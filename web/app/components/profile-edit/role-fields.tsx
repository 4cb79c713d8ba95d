import { SelectField, TextAreaField, TextField } from "~/components/field";
import type { ClubOfficers, Profile } from "~/lib/api-types";
import type { FieldErrors } from "~/lib/forms";
import type { Translate } from "~/lib/i18n";
import { formatAvailability, formatList, formatOfficers } from "~/lib/profile-form";

// The part of the profile form each role has. `value` gives what was typed after a refused save, else what is stored.

export function ExpertFields({
  expert,
  values,
  value,
  errors,
  t,
}: {
  expert: NonNullable<Profile["expert"]>;
  values: Record<string, string> | undefined;
  value: (name: string, stored: string) => string;
  errors: FieldErrors;
  t: Translate;
}) {
  return (
    <fieldset>
      <legend>{t("role.expert")}</legend>
      <TextField
        label={t("profile.headline")}
        name="headline"
        maxLength={140}
        defaultValue={value("headline", expert.headline)}
        error={errors.headline}
      />
      <TextField
        label={t("profile.company")}
        name="company"
        maxLength={100}
        defaultValue={value("company", expert.company)}
        error={errors.company}
      />
      <TextField
        label={t("profile.industry")}
        name="industry"
        maxLength={60}
        defaultValue={value("industry", expert.industry)}
        error={errors.industry}
      />
      <TextField
        label={t("profile.yearsExperience")}
        name="yearsExperience"
        inputMode="numeric"
        defaultValue={value("yearsExperience", String(expert.yearsExperience))}
        error={errors.yearsExperience}
      />
      <TextField
        label={t("profile.skills")}
        name="skills"
        hint={t("edit.listHint")}
        defaultValue={value("skills", formatList(expert.skills))}
        error={errors.skills}
      />
      <TextField
        label={t("profile.topics")}
        name="topics"
        hint={t("edit.listHint")}
        defaultValue={value("topics", formatList(expert.topics))}
        error={errors.topics}
      />
      <TextAreaField
        label={t("profile.availability")}
        name="availability"
        rows={4}
        spellCheck={false}
        hint={t("edit.availabilityHint")}
        defaultValue={value("availability", formatAvailability(expert.availability))}
        error={errors.availability}
      />
      <label className="checkbox">
        <input
          type="checkbox"
          name="acceptingInvitations"
          defaultChecked={values ? values.acceptingInvitations === "on" : expert.acceptingInvitations}
        />
        {t("edit.accepting")}
      </label>
    </fieldset>
  );
}

export function StudentFields({
  student,
  value,
  errors,
  t,
}: {
  student: NonNullable<Profile["student"]>;
  value: (name: string, stored: string) => string;
  errors: FieldErrors;
  t: Translate;
}) {
  return (
    <fieldset>
      <legend>{t("role.student")}</legend>
      <TextField
        label={t("profile.major")}
        name="major"
        maxLength={100}
        defaultValue={value("major", student.major)}
        error={errors.major}
      />
      <SelectField
        label={t("profile.year")}
        name="year"
        defaultValue={value("year", student.year ? String(student.year) : "")}
        error={errors.year}
      >
        <option value="">{t("edit.yearNone")}</option>
        {[1, 2, 3, 4, 5, 6, 7, 8].map((year) => (
          <option key={year} value={year}>
            {t("profile.yearN", { n: year })}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t("profile.interests")}
        name="interests"
        hint={t("edit.listHint")}
        defaultValue={value("interests", formatList(student.interests))}
        error={errors.interests}
      />
    </fieldset>
  );
}

export function ClubFields({
  club,
  officers,
  value,
  errors,
  t,
}: {
  club: NonNullable<Profile["club"]>;
  officers: ClubOfficers["officers"];
  value: (name: string, stored: string) => string;
  errors: FieldErrors;
  t: Translate;
}) {
  return (
    <fieldset>
      <legend>{t("role.club")}</legend>
      <TextField
        label={t("profile.clubName")}
        name="name"
        maxLength={100}
        defaultValue={value("name", club.name)}
        error={errors.name}
      />
      <TextAreaField
        label={t("profile.description")}
        name="description"
        rows={4}
        maxLength={2000}
        defaultValue={value("description", club.description)}
        error={errors.description}
      />
      <TextAreaField
        label={t("profile.officers")}
        name="officers"
        rows={3}
        spellCheck={false}
        hint={t("edit.officersHint")}
        defaultValue={value(
          "officers",
          formatOfficers(officers.map((o) => ({ id: o.userId, title: o.title }))),
        )}
        error={errors.officers}
      />
      {officers.length ? (
        <ul className="plain small" data-testid="officer-statuses">
          {officers.map((officer) => (
            <li key={officer.invitationId}>
              {officer.displayName} <span className="muted">· {officer.title}</span>{" "}
              <span className={officer.status === "accepted" ? "badge" : "badge badge-muted"}>
                {t(`officer.status.${officer.status}`)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
