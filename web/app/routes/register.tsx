import { data, Form, Link, useNavigation } from "react-router";
import { EmailField, SelectField, TextField } from "~/components/field";
import { MailSent } from "~/components/mail-sent";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import { fieldErrors, formText, problemMessage } from "~/lib/forms";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/register";

const ROLES = ["student", "expert", "club"] as const;

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "register.title");

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const input = {
    email: formText(form, "email").trim(),
    password: formText(form, "password"),
    displayName: formText(form, "displayName").trim(),
    role: formText(form, "role"),
  };
  const result = await apiCall<{ status: "check-your-email" }>(context, request, "/api/auth/register", {
    json: input,
  });
  if (result.ok) return { done: true as const, email: input.email };
  // The password never travels back to the page.
  const values = { email: input.email, displayName: input.displayName, role: input.role };
  return data({ done: false as const, problem: result.problem, values }, { status: result.status });
}

export default function Register({ actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state !== "idle";

  if (actionData?.done) {
    return <MailSent testId="register-done" text={t("register.done", { email: actionData.email })} />;
  }

  const problem = actionData?.problem;
  const errors = fieldErrors(problem);
  const values = actionData?.values;
  return (
    <section className="card narrow">
      <h1>{t("register.title")}</h1>
      <p className="muted">{t("register.lead")}</p>
      {problem ? <Notice tone="error">{problemMessage(problem, t)}</Notice> : null}
      <Form method="post" className="form">
        <EmailField defaultValue={values?.email} error={errors.email} />
        <TextField
          label={t("form.password")}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint={t("form.passwordHint")}
          error={errors.password}
        />
        <TextField
          label={t("form.displayName")}
          name="displayName"
          autoComplete="name"
          required
          maxLength={80}
          defaultValue={values?.displayName}
          error={errors.displayName}
        />
        <SelectField
          label={t("form.role")}
          name="role"
          defaultValue={values?.role ?? "student"}
          error={errors.role}
        >
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {t(`role.${role}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button" disabled={busy}>
          {t("register.submit")}
        </button>
      </Form>
      <p className="muted">
        {t("register.haveAccount")} <Link to="/login">{t("nav.login")}</Link>
      </p>
    </section>
  );
}
