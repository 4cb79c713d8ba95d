import { useId, useRef } from "react";
import { useFetcher, useLocation } from "react-router";
import type { Problem } from "~/lib/api-types";
import { problemMessage } from "~/lib/forms";
import type { MessageKey } from "~/lib/i18n";
import { useT } from "~/lib/root-data";
import { useHydrated } from "~/lib/use-hydrated";
import { Notice } from "./notice";

/** The reasons the API takes (worker/src/link/moderation/schema.ts REPORT_REASONS), in the order shown. */
export const REPORT_REASONS = ["spam", "harassment", "inappropriate", "misinformation", "other"] as const;
export type ReportTarget = "note" | "comment" | "user";
/** Where the form posts (web/app/routes/report.tsx); a page may skip revalidating after it. */
export const REPORT_ACTION = "/report";

/** What the /report action answers (web/app/routes/report.tsx). */
export interface ReportResult {
  ok: boolean;
  /** The person had already reported it; their open report stands. */
  already?: boolean;
  problem?: Problem;
  returnTo: string;
}

const TITLES: Record<ReportTarget, MessageKey> = {
  note: "report.titleNote",
  comment: "report.titleComment",
  user: "report.titleUser",
};

/** The outcome of a report, in the reader's language. */
export function ReportOutcome({ result }: { result: ReportResult }) {
  const t = useT();
  if (result.ok)
    return (
      <Notice tone="success" testId="report-done">
        {result.already ? t("report.already") : t("report.done")}
      </Notice>
    );
  if (!result.problem) return null;
  return (
    <Notice tone="error" testId="report-error">
      {result.problem.status === 401 ? t("report.signIn") : problemMessage(result.problem, t)}
    </Notice>
  );
}

/**
 * "Report" for a note, a comment or a person: a reason and optional words, posted to /report (which
 * calls POST /api/reports). With JavaScript it opens a modal <dialog> and answers in place; without,
 * it is a disclosure whose form posts to the /report page, which links back here.
 */
export function ReportButton({
  target,
  id,
  className = "button button-ghost button-small",
}: {
  target: ReportTarget;
  id: string;
  className?: string;
}) {
  const t = useT();
  const hydrated = useHydrated();
  const location = useLocation();
  const fetcher = useFetcher<ReportResult>();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const busy = fetcher.state !== "idle";

  const form = (
    <fetcher.Form method="post" action={REPORT_ACTION} className="form report-form" preventScrollReset>
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="returnTo" value={`${location.pathname}${location.search}`} />
      <fieldset className="choice-list">
        <legend>{t("report.reason")}</legend>
        {REPORT_REASONS.map((reason, index) => (
          <label key={reason} className="choice">
            <input type="radio" name="reason" value={reason} required defaultChecked={index === 0} />{" "}
            {t(`report.reason.${reason}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${titleId}-detail`}>{t("report.detail")}</label>
        <textarea id={`${titleId}-detail`} name="detail" rows={3} maxLength={500} />
      </div>
      <div className="actions">
        <button type="submit" className="button button-danger" disabled={busy} data-testid="report-submit">
          {t("report.submit")}
        </button>
        {hydrated ? (
          <button type="button" className="button button-ghost" onClick={() => dialog.current?.close()}>
            {t("report.close")}
          </button>
        ) : null}
      </div>
    </fetcher.Form>
  );

  if (!hydrated)
    return (
      <details className="report-disclosure" data-testid="report">
        <summary className={className}>{t("report.open")}</summary>
        <h2 className="small">{t(TITLES[target])}</h2>
        {form}
      </details>
    );
  return (
    <>
      <button
        type="button"
        className={className}
        aria-haspopup="dialog"
        onClick={() => dialog.current?.showModal()}
        data-testid="report"
      >
        {t("report.open")}
      </button>
      <dialog ref={dialog} className="collect-dialog" aria-labelledby={titleId} data-testid="report-dialog">
        <h2 id={titleId}>{t(TITLES[target])}</h2>
        {result ? <ReportOutcome result={result} /> : null}
        {result?.ok ? (
          <div className="actions">
            <button type="button" className="button" onClick={() => dialog.current?.close()}>
              {t("report.close")}
            </button>
          </div>
        ) : (
          form
        )}
      </dialog>
    </>
  );
}
