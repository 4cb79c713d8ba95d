import { data, Form, Link, useNavigation } from "react-router";
import { DevMailboxHint } from "~/components/dev-mailbox-hint";
import { TextField } from "~/components/field";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import { fieldErrors, formText, problemMessage } from "~/lib/forms";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/forgot-password";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "forgot.title");

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const email = formText(form, "email").trim();
  const result = await apiCall(context, request, "/api/auth/password/forgot", { json: { email } });
  if (result.ok) return { done: true as const, email };
  return data({ done: false as const, problem: result.problem, email }, { status: result.status });
}

export default function ForgotPassword({ actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state !== "idle";
  if (actionData?.done) {
    return (
      <section className="card narrow">
        <Notice tone="success" testId="forgot-done">
          <h1>{t("register.doneTitle")}</h1>
          <p>{t("forgot.done", { email: actionData.email })}</p>
        </Notice>
        <DevMailboxHint />
      </section>
    );
  }
  const problem = actionData?.problem;
  const errors = fieldErrors(problem);
  return (
    <section className="card narrow">
      <h1>{t("forgot.title")}</h1>
      <p className="muted">{t("forgot.lead")}</p>
      {problem ? <Notice tone="error">{problemMessage(problem, t)}</Notice> : null}
      <Form method="post" className="form">
        <TextField
          label={t("form.email")}
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={actionData?.email}
          error={errors.email}
        />
        <button type="submit" className="button" disabled={busy}>
          {t("forgot.submit")}
        </button>
      </Form>
      <p className="muted">
        <Link to="/login">{t("nav.login")}</Link>
      </p>
    </section>
  );
}
