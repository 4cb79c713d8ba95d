import { data, Form, Link, redirect, useNavigation } from "react-router";
import { AvatarUpload } from "~/components/avatar-upload";
import { SelectField, TextAreaField, TextField } from "~/components/field";
import { Notice } from "~/components/notice";
import { ClubFields, ExpertFields, StudentFields } from "~/components/profile-edit/role-fields";
import { apiCall } from "~/lib/api.server";
import type { Campus, ClubOfficers, Me, Problem, ProfilePatch } from "~/lib/api-types";
import { type FieldErrors, fieldErrors, formText, problemMessage } from "~/lib/forms";
import { type MessageKey, preferredLang, type Translate, translatorFor } from "~/lib/i18n";
import {
  type LineError,
  parseAvailability,
  parseList,
  parseOfficers,
  parseWholeNumber,
} from "~/lib/profile-form";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/profile-edit";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "edit.title");

const LOGIN = "/login?redirectTo=/profile/edit";

export async function loader({ request, context }: Route.LoaderArgs) {
  const [me, campuses] = await Promise.all([
    apiCall<Me>(context, request, "/api/me"),
    apiCall<{ campuses: Campus[] }>(context, request, "/api/campuses"),
  ]);
  if (me.status === 401) throw redirect(LOGIN, { headers: me.headers });
  if (!me.ok) throw data(me.problem, { status: me.status });
  // A club edits everyone it has asked, not only those who accepted: saving must not withdraw the rest.
  const officers =
    me.data.account.role === "club"
      ? await apiCall<ClubOfficers>(context, request, "/api/clubs/me/officers")
      : null;
  return data(
    {
      ...me.data,
      campuses: campuses.ok ? campuses.data.campuses : [],
      officers: officers?.ok ? officers.data.officers : [],
    },
    { headers: me.headers },
  );
}

type Values = Record<string, string>;
interface Rejected {
  errors: FieldErrors;
  problem?: Problem;
  values: Values;
}

export async function action({ request, context }: Route.ActionArgs) {
  const me = await apiCall<Me>(context, request, "/api/me");
  if (me.status === 401) throw redirect(LOGIN, { headers: me.headers });
  if (!me.ok) throw data(me.problem, { status: me.status });
  const { account } = me.data;

  const form = await request.formData();
  const values: Values = {};
  for (const [name, value] of form) if (typeof value === "string") values[name] = value;
  const { patch, errors } = readPatch(form, account, await translatorFor(preferredLang(request)));
  if (Object.keys(errors).length) return data<Rejected>({ errors, values }, { status: 400 });

  const result = await apiCall<Pick<Me, "account" | "profile">>(context, request, "/api/me/profile", {
    method: "PATCH",
    json: patch,
  });
  if (result.ok) return redirect("/profile", { headers: result.headers });
  return data<Rejected>(
    { errors: fieldErrors(result.problem), problem: result.problem, values },
    { status: result.status },
  );
}

/** The form as the PATCH body for the user's own role; lines and numbers that do not parse become field errors. */
function readPatch(
  form: FormData,
  account: Me["account"],
  t: Translate,
): { patch: ProfilePatch; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const text = (name: string) => formText(form, name).trim();
  const lineErrors = (field: string, found: LineError[]) => {
    if (!found.length) return;
    errors[field] = found
      .map((e) => t("edit.lineError", { line: e.line, message: t(`edit.${e.problem}` as MessageKey) }))
      .join(" ");
  };

  const patch: ProfilePatch = { displayName: text("displayName"), bio: formText(form, "bio").trim() };
  // A campus proven by the e-mail address is not the user's to change.
  if (!account.campusVerified) patch.campusId = text("campusId") || null;

  if (account.role === "expert") {
    const years = parseWholeNumber(text("yearsExperience"), 0, 70);
    if (years === undefined) errors.yearsExperience = t("edit.badNumber");
    const availability = parseAvailability(formText(form, "availability"));
    lineErrors("availability", availability.errors);
    patch.expert = {
      headline: text("headline"),
      company: text("company"),
      industry: text("industry"),
      skills: parseList(text("skills")),
      topics: parseList(text("topics")),
      yearsExperience: years ?? 0,
      availability: availability.windows,
      acceptingInvitations: form.get("acceptingInvitations") === "on",
    };
  } else if (account.role === "student") {
    const year = parseWholeNumber(text("year"), 1, 8);
    if (year === undefined) errors.year = t("edit.badNumber");
    patch.student = { major: text("major"), year: year ?? null, interests: parseList(text("interests")) };
  } else if (account.role === "club") {
    const officers = parseOfficers(formText(form, "officers"));
    lineErrors("officers", officers.errors);
    patch.club = {
      name: text("name"),
      description: formText(form, "description").trim(),
      officers: officers.officers,
    };
  }
  return { patch, errors };
}

export default function EditProfile({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const { account, profile, campuses, officers } = loaderData;
  const errors = actionData?.errors ?? {};
  const values = actionData?.values;
  // After a refused save the form shows what was typed, not what is stored.
  const value = (name: string, stored: string) => values?.[name] ?? stored;

  return (
    <div className="stack">
      <section className="card">
        <h1>{t("edit.title")}</h1>
        <p className="muted">{t("edit.lead")}</p>
        {actionData ? (
          <Notice tone="error">
            {actionData.problem ? problemMessage(actionData.problem, t) : t("form.problem")}
          </Notice>
        ) : null}
        {errors.form ? <Notice tone="error">{errors.form}</Notice> : null}
        <Form method="post" className="form">
          <TextField
            label={t("form.displayName")}
            name="displayName"
            required
            maxLength={80}
            defaultValue={value("displayName", profile.displayName)}
            error={errors.displayName}
          />
          <TextAreaField
            label={t("edit.bio")}
            name="bio"
            rows={4}
            maxLength={1000}
            defaultValue={value("bio", profile.bio)}
            error={errors.bio}
          />
          {account.campusVerified ? (
            <p className="field-hint">
              {t("edit.campus")}: {profile.campus?.name} · {t("edit.campusLocked")}
            </p>
          ) : (
            <SelectField
              label={t("edit.campus")}
              name="campusId"
              defaultValue={value("campusId", account.campusId ?? "")}
              error={errors.campusId}
            >
              <option value="">{t("edit.campusNone")}</option>
              {campuses.map((campus) => (
                <option key={campus.id} value={campus.id}>
                  {campus.name}
                </option>
              ))}
            </SelectField>
          )}

          {profile.expert ? (
            <ExpertFields expert={profile.expert} values={values} value={value} errors={errors} t={t} />
          ) : null}

          {profile.student ? (
            <StudentFields student={profile.student} value={value} errors={errors} t={t} />
          ) : null}

          {profile.club ? (
            <ClubFields club={profile.club} officers={officers} value={value} errors={errors} t={t} />
          ) : null}

          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t("edit.save")}
            </button>
            <Link to="/profile" className="button button-ghost">
              {t("edit.cancel")}
            </Link>
          </div>
        </Form>
      </section>
      <AvatarUpload name={profile.displayName} url={profile.avatarUrl} />
    </div>
  );
}
