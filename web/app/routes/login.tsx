import { data, Form, Link, redirect, useNavigation } from "react-router";
import { DevMailboxHint } from "~/components/dev-mailbox-hint";
import { EmailField, TextField } from "~/components/field";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import type { Account, Problem } from "~/lib/api-types";
import { fieldErrors, formText, problemMessage, safeRedirect } from "~/lib/forms";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/login";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "login.title");

type Outcome =
  | { kind: "failed"; problem: Problem; email: string }
  | { kind: "resent"; email: string }
  | { kind: "resend-failed"; problem: Problem; email: string };

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const email = formText(form, "email").trim();

  if (formText(form, "intent") === "resend") {
    const result = await apiCall(context, request, "/api/auth/verify/resend", { json: { email } });
    const outcome: Outcome = result.ok
      ? { kind: "resent", email }
      : { kind: "resend-failed", problem: result.problem, email };
    return data(outcome, { status: result.status });
  }

  const result = await apiCall<{ account: Account }>(context, request, "/api/auth/login", {
    json: { email, password: formText(form, "password") },
  });
  if (result.ok) {
    const to = safeRedirect(new URL(request.url).searchParams.get("redirectTo"), "/profile");
    return redirect(to, { headers: result.headers });
  }
  const outcome: Outcome = { kind: "failed", problem: result.problem, email };
  return data(outcome, { status: result.status, headers: result.headers });
}

export default function Login({ actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const problem = actionData && actionData.kind !== "resent" ? actionData.problem : undefined;
  const unverified = actionData?.kind === "failed" && actionData.problem.code === "email-unverified";
  const errors = fieldErrors(problem);

  return (
    <section className="card narrow">
      <h1>{t("login.title")}</h1>
      {problem ? <Notice tone="error">{loginMessage(problem, t)}</Notice> : null}
      {unverified || actionData?.kind === "resend-failed" ? (
        <Form method="post" className="inline-form resend">
          <input type="hidden" name="intent" value="resend" />
          <input type="hidden" name="email" value={actionData.email} />
          <button type="submit" className="button button-ghost" disabled={busy}>
            {t("login.resend")}
          </button>
        </Form>
      ) : null}
      {actionData?.kind === "resent" ? (
        <>
          <Notice tone="success">{t("login.resent")}</Notice>
          <DevMailboxHint />
        </>
      ) : null}
      {/* Without an action the form posts to this URL, ?redirectTo included. */}
      <Form method="post" className="form">
        <EmailField defaultValue={actionData?.email} error={errors.email} />
        <TextField
          label={t("form.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
        />
        <button type="submit" className="button" disabled={busy}>
          {t("login.submit")}
        </button>
      </Form>
      <p className="muted">
        <Link to="/forgot-password">{t("login.forgot")}</Link>
      </p>
      <p className="muted">
        {t("login.noAccount")} <Link to="/register">{t("nav.register")}</Link>
      </p>
    </section>
  );
}

function loginMessage(problem: Problem, t: ReturnType<typeof useT>): string {
  if (problem.code === "email-unverified") return t("login.unverified");
  if (problem.status === 401) return t("login.wrong");
  return problemMessage(problem, t);
}
