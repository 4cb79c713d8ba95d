import { Notice } from "~/components/notice";
import { StatusBadge } from "~/components/status-badge";
import { When } from "~/components/when";
import type { InvitationPage, Problem } from "~/lib/api-types";
import { type FieldErrors, problemMessage } from "~/lib/forms";
import type { MessageKey } from "~/lib/i18n";
import { useT } from "~/lib/root-data";

/** Title, status and who is on the other side; when it is scheduled; why the last step failed. */
export function InvitationHeader({
  invitation,
  party,
  counterpart,
  introducer,
  notSent,
  problem,
  errors,
}: {
  invitation: InvitationPage["invitation"];
  party: InvitationPage["party"];
  counterpart: { displayName: string };
  introducer: InvitationPage["introducer"];
  notSent: string | null;
  problem: Problem | undefined;
  errors: FieldErrors;
}) {
  const t = useT();
  const calendar = invitation.status === "scheduled" || invitation.status === "completed";
  return (
    <section className="card">
      <div className="invitation-head">
        <h1 data-testid="invitation-title">{invitation.title}</h1>
        <StatusBadge status={invitation.status} testId="invitation-status" />
      </div>
      <p className="muted">
        {t(`kind.${invitation.kind}` as MessageKey)} · {t(`format.${invitation.format}` as MessageKey)} ·{" "}
        {party === "requester"
          ? t("invitation.youSent", { name: counterpart.displayName })
          : t("invitation.youReceived", { name: counterpart.displayName })}
      </p>
      {invitation.scheduledStart ? (
        <p className="scheduled" data-testid="scheduled-start">
          <strong>{t("invitation.scheduled")}:</strong> <When iso={invitation.scheduledStart} />
        </p>
      ) : null}
      {introducer ? (
        <p className="introduced" data-testid="introduced-by">
          {t("intro.introducedBy", { name: introducer.displayName })}
          {invitation.introductionNote ? (
            <span className="prewrap"> · “{invitation.introductionNote}”</span>
          ) : null}
        </p>
      ) : null}
      {notSent ? (
        <Notice tone="error" testId="not-sent">
          {t("invitation.notSent", { reason: notSent })}
        </Notice>
      ) : null}
      {problem ? (
        <Notice tone="error" testId="action-error">
          {problemMessage(problem, t)}
        </Notice>
      ) : null}
      {errors.form ? <Notice tone="error">{errors.form}</Notice> : null}
      {calendar ? (
        <p>
          {/* A plain link: the API answers it with a file, with the session cookie of this origin. */}
          <a
            href={`/api/invitations/${invitation.id}/ics`}
            download
            className="button button-ghost"
            data-testid="ics-link"
          >
            {t("invitation.calendar")}
          </a>
        </p>
      ) : null}
    </section>
  );
}
