import { Form } from "react-router";
import { TextField } from "~/components/field";
import type { InvitationPage } from "~/lib/api-types";
import type { FieldErrors } from "~/lib/forms";
import { useT } from "~/lib/root-data";
import { useIntentBusy } from "~/lib/use-intent-busy";

/** An online session's meeting link: shown to the two sides, set or cleared by either. */
export function MeetingLinkSection({
  invitation,
  meetingLink,
  canSetMeetingLink,
  errors,
}: Pick<InvitationPage, "invitation" | "meetingLink" | "canSetMeetingLink"> & { errors: FieldErrors }) {
  const t = useT();
  const busy = useIntentBusy("meeting-link");
  if (invitation.format !== "online" || (!meetingLink && !canSetMeetingLink)) return null;
  return (
    <section className="card" aria-labelledby="meeting-title" data-testid="meeting-link">
      <h2 id="meeting-title">{t("meeting.title")}</h2>
      {meetingLink ? (
        <p>
          <a href={meetingLink} rel="noopener noreferrer" target="_blank" data-testid="meeting-link-url">
            {t("meeting.open")}
          </a>{" "}
          <span className="muted small break-all">{meetingLink}</span>
        </p>
      ) : (
        <p className="muted">{t("meeting.none")}</p>
      )}
      <p className="muted small">{t("meeting.private")}</p>
      {canSetMeetingLink ? (
        <Form method="post" className="action-form">
          <input type="hidden" name="intent" value="meeting-link" />
          <TextField
            label={t("meeting.label")}
            name="url"
            type="url"
            inputMode="url"
            pattern="https://.+"
            maxLength={500}
            placeholder="https://"
            defaultValue={meetingLink ?? ""}
            error={errors.url}
          />
          <div className="row">
            <button type="submit" className="button" disabled={busy} data-testid="meeting-link-save">
              {t("meeting.save")}
            </button>
            {meetingLink ? (
              <button
                type="submit"
                name="clear"
                value="1"
                className="button button-ghost"
                formNoValidate
                disabled={busy}
              >
                {t("meeting.clear")}
              </button>
            ) : null}
          </div>
        </Form>
      ) : null}
    </section>
  );
}
