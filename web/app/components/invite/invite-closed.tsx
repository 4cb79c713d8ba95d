import { Link } from "react-router";
import { Notice } from "~/components/notice";
import type { Translate } from "~/lib/i18n";

/** Shown instead of the form when this account may not invite, or the expert takes no invitations now. */
export function InviteClosed({
  expert,
  mayInvite,
  t,
}: {
  expert: { id: string; displayName: string };
  mayInvite: boolean;
  t: Translate;
}) {
  return (
    <section className="card narrow">
      <h1>{t("invite.title", { name: expert.displayName })}</h1>
      <Notice tone="info">
        {mayInvite ? t("expert.notAccepting", { name: expert.displayName }) : t("invite.notAllowed")}
      </Notice>
      <p>
        <Link to={`/experts/${expert.id}`}>{expert.displayName}</Link>
      </p>
    </section>
  );
}
