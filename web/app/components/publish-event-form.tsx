import { Form } from "react-router";
import { useT } from "~/lib/root-data";

/** The form on a scheduled talk, workshop or panel, for its requester's side. */
export function PublishEventForm({ invitationId }: { invitationId: string }) {
  const t = useT();
  return (
    <section className="card stack" data-testid="publish-event">
      <h2>{t("events.publishTitle")}</h2>
      <p className="muted">{t("events.publishLead")}</p>
      <Form method="post" action="/events/publish" className="stack">
        <input type="hidden" name="invitationId" value={invitationId} />
        <label className="field">
          <span>{t("events.publishVisibility")}</span>
          <select name="visibility" defaultValue="campus">
            <option value="public">{t("visibility.public")}</option>
            <option value="campus">{t("visibility.campus")}</option>
            <option value="followers">{t("visibility.followers")}</option>
          </select>
        </label>
        <label className="field">
          <span>{t("events.publishBody")}</span>
          <textarea name="body" rows={3} maxLength={2000} />
        </label>
        <button type="submit" className="button" data-testid="publish-event-submit">
          {t("events.publishSubmit")}
        </button>
      </Form>
    </section>
  );
}
