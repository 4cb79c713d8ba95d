import type { InvitationPage } from "~/lib/api-types";
import type { FieldErrors } from "~/lib/forms";
import { useT } from "~/lib/root-data";
import { ActionForm, TransitionForm } from "./action-forms";

/** What this viewer may do now: the API's list of actions, and a club officer's sign-off. */
export function ActionsSection({
  invitation,
  party,
  requester,
  actions,
  slots,
  viewerId,
  now,
  refusedIntent,
  errors,
  countersLeft,
}: Pick<
  InvitationPage,
  "invitation" | "party" | "requester" | "actions" | "slots" | "viewerId" | "countersLeft"
> & {
  now: number;
  /** The form the last refused submission came from: only it shows the errors. */
  refusedIntent: string | undefined;
  errors: FieldErrors;
}) {
  const t = useT();
  // Only a club's draft needs a sign-off, and only an officer can give it: someone acting for the
  // club who is not the club account itself (the API shows a club's draft to nobody else).
  const showSignOff =
    party === "requester" &&
    invitation.status === "draft" &&
    !invitation.signedOff &&
    requester.role === "club" &&
    viewerId !== requester.id;
  return (
    <section className="card" aria-labelledby="actions-title" data-testid="actions">
      <h2 id="actions-title">{t("invitation.actions")}</h2>
      {requester.role === "club" && invitation.status === "draft" ? (
        <p className="muted small">
          {invitation.signedOff ? t("invitation.signedOff") : t("invitation.needsSignOff")}
        </p>
      ) : null}
      {actions.length === 0 && !showSignOff ? <p className="muted">{t("invitation.noActions")}</p> : null}
      <div className="action-forms">
        {showSignOff ? (
          <ActionForm intent="sign-off" label={t("action.signOff")} testId="action-sign-off" />
        ) : null}
        {actions.map((action) => (
          <TransitionForm
            key={action}
            action={action}
            party={party}
            slots={slots}
            now={now}
            countersLeft={countersLeft}
            errors={refusedIntent === action ? errors : {}}
          />
        ))}
      </div>
    </section>
  );
}
