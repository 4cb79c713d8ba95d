import { data, Form, Link, useNavigation } from "react-router";
import { TextField } from "~/components/field";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import { fieldErrors, formText, problemMessage } from "~/lib/forms";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/reset-password";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "reset.title");

export function loader({ request }: Route.LoaderArgs) {
  return { token: new URL(request.url).searchParams.get("token") ?? "" };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const result = await apiCall(context, request, "/api/auth/password/reset", {
    json: { token: formText(form, "token"), password: formText(form, "password") },
  });
  if (result.ok) return { done: true as const };
  return data({ done: false as const, problem: result.problem }, { status: result.status });
}

export default function ResetPassword({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state !== "idle";
  if (actionData?.done) {
    return (
      <section className="card narrow">
        <Notice tone="success" testId="reset-done">
          <p>{t("reset.done")}</p>
        </Notice>
        <p>
          <Link to="/login" className="button">
            {t("nav.login")}
          </Link>
        </p>
      </section>
    );
  }
  if (!loaderData.token) {
    return (
      <section className="card narrow">
        <h1>{t("reset.title")}</h1>
        <Notice tone="error">{t("reset.noToken")}</Notice>
        <p>
          <Link to="/forgot-password">{t("reset.again")}</Link>
        </p>
      </section>
    );
  }
  const problem = actionData?.problem;
  const errors = fieldErrors(problem);
  // A rejected token (not a rejected password) means asking for a new link.
  const badToken = problem?.status === 400 && !errors.password;
  return (
    <section className="card narrow">
      <h1>{t("reset.title")}</h1>
      {problem ? (
        <Notice tone="error">{badToken ? t("reset.failed") : problemMessage(problem, t)}</Notice>
      ) : null}
      {badToken ? (
        <p>
          <Link to="/forgot-password">{t("reset.again")}</Link>
        </p>
      ) : null}
      <Form method="post" className="form">
        <input type="hidden" name="token" value={loaderData.token} />
        <TextField
          label={t("form.newPassword")}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint={t("form.passwordHint")}
          error={errors.password}
        />
        <button type="submit" className="button" disabled={busy}>
          {t("reset.submit")}
        </button>
      </Form>
    </section>
  );
}
