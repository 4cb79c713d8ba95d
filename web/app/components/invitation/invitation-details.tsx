import { Link } from "react-router";
import { Fact } from "~/components/facts";
import { When } from "~/components/when";
import type { InvitationPage } from "~/lib/api-types";
import type { MessageKey } from "~/lib/i18n";
import { formatMoney } from "~/lib/invitation";
import { useT } from "~/lib/root-data";

function isSessionLanguage(language: string): boolean {
  return ["en", "zh", "ms", "ta"].includes(language);
}

/** Everything the invitation proposes: who, what, where, how long, for whom, the agenda and the proposal. */
export function InvitationDetails({
  invitation,
  requester,
  expert,
}: Pick<InvitationPage, "invitation" | "requester" | "expert">) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="details-title">
      <h2 id="details-title">{t("invitation.details")}</h2>
      <dl className="facts">
        <Fact label={t("invitation.requester")}>
          <Link to={`/u/${requester.id}`}>{requester.displayName}</Link>
        </Fact>
        <Fact label={t("invitation.expert")}>
          <Link to={`/experts/${expert.id}`}>{expert.displayName}</Link>
          {expert.headline ? <span className="muted"> · {expert.headline}</span> : null}
          {expert.verified === false ? (
            <span className="badge badge-muted" data-testid="expert-unverified">
              {t("expert.unverified")}
            </span>
          ) : null}
        </Fact>
        <Fact label={t("invitation.kind")}>{t(`kind.${invitation.kind}` as MessageKey)}</Fact>
        <Fact label={t("invitation.format")}>{t(`format.${invitation.format}` as MessageKey)}</Fact>
        {invitation.venue ? <Fact label={t("invitation.venue")}>{invitation.venue}</Fact> : null}
        <Fact label={t("invitation.duration")}>
          {t("invitation.minutes", { n: invitation.durationMinutes })}
        </Fact>
        <Fact label={t("invitation.audience")}>{t("invitation.people", { n: invitation.audienceSize })}</Fact>
        <Fact label={t("invitation.honorarium")}>
          {invitation.honorarium ? formatMoney(invitation.honorarium) : t("invitation.noHonorarium")}
        </Fact>
        <Fact label={t("invitation.language")}>
          {isSessionLanguage(invitation.language)
            ? t(`language.${invitation.language}` as MessageKey)
            : invitation.language}
        </Fact>
        <Fact label={t("invitation.deadline")}>
          <When iso={invitation.responseDeadline} />
        </Fact>
      </dl>
      <h3>{t("invitation.agenda")}</h3>
      <p className="prewrap">{invitation.agenda}</p>
      {invitation.proposal ? (
        <>
          <h3>{t("invitation.proposal")}</h3>
          <p className="prewrap">{invitation.proposal}</p>
        </>
      ) : null}
    </section>
  );
}
