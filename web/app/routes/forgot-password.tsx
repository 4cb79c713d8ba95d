import { data, Form, Link, useNavigation } from "react-router";
import { EmailField } from "~/components/field";
import { MailSent } from "~/components/mail-sent";
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
    return <MailSent testId="forgot-done" text={t("forgot.done", { email: actionData.email })} />;
  }
  const problem = actionData?.problem;
  const errors = fieldErrors(problem);
  return (
    <section className="card narrow">
      <h1>{t("forgot.title")}</h1>
      <p className="muted">{t("forgot.lead")}</p>
      {problem ? <Notice tone="error">{problemMessage(problem, t)}</Notice> : null}
      <Form method="post" className="form">
        <EmailField defaultValue={actionData?.email} error={errors.email} />
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
