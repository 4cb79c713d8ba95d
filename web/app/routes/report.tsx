import { data, Link, redirect } from "react-router";
import { REPORT_REASONS, ReportOutcome, type ReportResult } from "~/components/report-button";
import { apiCall } from "~/lib/api.server";
import { formText, safeRedirect } from "~/lib/forms";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/report";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "report.open");

const TARGETS = new Set(["note", "comment", "user"]);

/** Nothing to show without a submitted report. */
export function loader() {
  throw redirect("/");
}

/**
 * Where every ReportButton posts: sends the report to POST /api/reports. A fetcher (JavaScript)
 * shows the answer in its dialog; a plain form post lands on this page, which links back.
 */
export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const returnTo = safeRedirect(formText(form, "returnTo"));
  const target = formText(form, "target");
  const reason = formText(form, "reason");
  const detail = formText(form, "detail").trim();
  if (!TARGETS.has(target) || !(REPORT_REASONS as readonly string[]).includes(reason))
    return data<ReportResult>(
      { ok: false, problem: { title: "Bad request", status: 400 }, returnTo },
      { status: 400 },
    );
  const sent = await apiCall(context, request, "/api/reports", {
    json: { target, id: formText(form, "id"), reason, ...(detail ? { detail } : {}) },
  });
  if (sent.ok)
    return data<ReportResult>(
      { ok: true, already: sent.status === 200, returnTo },
      { headers: sent.headers },
    );
  return data<ReportResult>(
    { ok: false, problem: sent.problem, returnTo },
    { status: sent.status, headers: sent.headers },
  );
}

export default function Report({ actionData }: Route.ComponentProps) {
  const t = useT();
  return (
    <div className="stack narrow">
      <section className="card">
        <h1>{t("report.open")}</h1>
        {actionData ? <ReportOutcome result={actionData} /> : null}
        <Link to={actionData?.returnTo ?? "/"} className="button button-ghost">
          {t("report.back")}
        </Link>
      </section>
    </div>
  );
}
