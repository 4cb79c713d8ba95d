import { StatusBadge } from "~/components/status-badge";
import { When } from "~/components/when";
import type { InvitationPage } from "~/lib/api-types";
import type { MessageKey, Translate } from "~/lib/i18n";
import { useT } from "~/lib/root-data";

const HISTORY = new Set([
  "create",
  "send",
  "accept",
  "schedule",
  "decline",
  "counter",
  "cancel",
  "complete",
  "expire",
  "reschedule-propose",
  "reschedule-counter",
  "reschedule-accept",
  "reschedule-decline",
  "reschedule-withdraw",
  "meeting-link",
]);
function historyText(action: string, t: Translate): string {
  return HISTORY.has(action) ? t(`history.${action}` as MessageKey) : action;
}

/** Every step of the invitation so far: who did what, with their message. */
export function Timeline({ history }: { history: InvitationPage["history"] }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="timeline-title" hidden={history.length === 0}>
      <h2 id="timeline-title">{t("invitation.timeline")}</h2>
      <ol className="timeline" data-testid="timeline">
        {history.map((event) => (
          <li key={`${event.createdAt}-${event.action}-${event.toStatus}`}>
            <p>
              <strong>{event.actorName}</strong> {historyText(event.action, t)}{" "}
              <StatusBadge status={event.toStatus as InvitationPage["invitation"]["status"]} />
            </p>
            {event.message ? <p className="prewrap quote">{event.message}</p> : null}
            <p className="muted small">
              <When iso={event.createdAt} />
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
