import { data, Form, Link, useNavigation } from "react-router";
import { DevMailboxHint } from "~/components/dev-mailbox-hint";
import { TextField } from "~/components/field";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import type { Problem } from "~/lib/api-types";
import { formText, problemMessage } from "~/lib/forms";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/verify";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "verify.title");

/** Verification happens on a button press, not on GET: mail scanners prefetch links and would use up the token. */
export function loader({ request }: Route.LoaderArgs) {
  return { token: new URL(request.url).searchParams.get("token") ?? "" };
}

type Outcome =
  | { kind: "verified"; campusVerified: boolean }
  | { kind: "failed"; problem: Problem }
  | { kind: "resent" }
  | { kind: "resend-failed"; problem: Problem };

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  if (formText(form, "intent") === "resend") {
    const result = await apiCall(context, request, "/api/auth/verify/resend", {
      json: { email: formText(form, "email").trim() },
    });
    const outcome: Outcome = result.ok
      ? { kind: "resent" }
      : { kind: "resend-failed", problem: result.problem };
    return data(outcome, { status: result.status });
  }
  const result = await apiCall<{ verified: true; campusId: string | null; campusVerified: boolean }>(
    context,
    request,
    "/api/auth/verify",
    { json: { token: formText(form, "token") } },
  );
  const outcome: Outcome = result.ok
    ? { kind: "verified", campusVerified: result.data.campusVerified }
    : { kind: "failed", problem: result.problem };
  return data(outcome, { status: result.status, headers: result.headers });
}

export default function Verify({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state !== "idle";

  if (actionData?.kind === "verified") {
    return (
      <section className="card narrow">
        <Notice tone="success" testId="verify-done">
          <h1>{t("verify.done")}</h1>
          {actionData.campusVerified ? <p>{t("verify.campusVerified")}</p> : null}
        </Notice>
        <p>
          <Link to="/login" className="button">
            {t("nav.login")}
          </Link>
        </p>
      </section>
    );
  }

  const showResend =
    !loaderData.token || actionData?.kind === "failed" || actionData?.kind === "resend-failed";
  return (
    <section className="card narrow">
      <h1>{t("verify.title")}</h1>
      {actionData?.kind === "failed" ? (
        <Notice tone="error">
          {actionData.problem.status === 400 ? t("verify.failed") : problemMessage(actionData.problem, t)}
        </Notice>
      ) : null}
      {loaderData.token ? (
        actionData?.kind === "failed" ? null : (
          <Form method="post" className="form">
            <p>{t("verify.lead")}</p>
            <input type="hidden" name="token" value={loaderData.token} />
            <button type="submit" className="button" disabled={busy}>
              {t("verify.submit")}
            </button>
          </Form>
        )
      ) : (
        <Notice tone="error">{t("verify.noToken")}</Notice>
      )}
      {actionData?.kind === "resent" ? (
        <>
          <Notice tone="success">{t("verify.resent")}</Notice>
          <DevMailboxHint />
        </>
      ) : null}
      {showResend ? (
        <Form method="post" className="form form-secondary">
          <p>{t("verify.resendLead")}</p>
          {actionData?.kind === "resend-failed" ? (
            <Notice tone="error">{problemMessage(actionData.problem, t)}</Notice>
          ) : null}
          <input type="hidden" name="intent" value="resend" />
          <TextField label={t("form.email")} name="email" type="email" autoComplete="email" required />
          <button type="submit" className="button button-ghost" disabled={busy}>
            {t("verify.resend")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
