import { useEffect, useRef, useState } from "react";
import { data, Form, Link, redirect, useFetcher, useNavigation } from "react-router";
import { Notice } from "~/components/notice";
import { When } from "~/components/when";
import { apiCall } from "~/lib/api.server";
import type { Notification, Notifications } from "~/lib/api-types";
import { problemMessage } from "~/lib/forms";
import { type MessageKey, preferredLang, type Translate, translatorFor } from "~/lib/i18n";
import { answerOfficerInvitation } from "~/lib/officers.server";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/notifications";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "notifications.title");

export async function loader({ request, context }: Route.LoaderArgs) {
  const result = await apiCall<Notifications>(context, request, "/api/notifications");
  if (result.status === 401) throw redirect("/login?redirectTo=/notifications", { headers: result.headers });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return result.data;
}

/**
 * Marks everything read, or answers an officer invitation (Accept / Decline in its notification).
 * Answers with data, not a redirect: a background fetcher must not navigate.
 */
export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  if (form.has("intent")) {
    const answer = await answerOfficerInvitation(context, request, form);
    if (answer.status === 401)
      throw redirect("/login?redirectTo=/notifications", { headers: answer.headers });
    return data(
      {
        unread: null,
        answerError: answer.ok
          ? null
          : problemMessage(answer.problem, await translatorFor(preferredLang(request))),
      },
      { status: answer.ok ? 200 : answer.status, headers: answer.headers },
    );
  }
  const result = await apiCall<Notifications>(context, request, "/api/notifications/read", { json: {} });
  if (result.status === 401) throw redirect("/login?redirectTo=/notifications", { headers: result.headers });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return data(
    { unread: result.data.unread, answerError: null as string | null },
    { headers: result.headers },
  );
}

export default function NotificationsPage({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const fetcher = useFetcher<typeof action>();
  const busy = useNavigation().state === "submitting";
  // What was new when the page opened stays marked as new while it is open, even once it is read.
  const [fresh] = useState(() => new Set(loaderData.notifications.filter((n) => !n.read).map((n) => n.id)));
  const marked = useRef(false);
  useEffect(() => {
    if (marked.current || loaderData.unread === 0) return;
    marked.current = true;
    fetcher.submit({}, { method: "post" });
  }, [loaderData.unread, fetcher]);

  const { notifications } = loaderData;
  return (
    <section className="card">
      <div className="mailbox-head">
        <h1>{t("notifications.title")}</h1>
        {loaderData.unread > 0 ? (
          <Form method="post">
            <button type="submit" className="button button-ghost button-small" disabled={busy}>
              {t("notifications.markAll")}
            </button>
          </Form>
        ) : null}
      </div>
      {actionData?.answerError ? <Notice tone="error">{actionData.answerError}</Notice> : null}
      {notifications.length === 0 ? <p className="muted">{t("notifications.empty")}</p> : null}
      <ul className="plain notification-list" data-testid="notifications">
        {notifications.map((notification) => (
          <li
            key={notification.id}
            className={fresh.has(notification.id) ? "notification unread" : "notification"}
            data-testid="notification"
          >
            <p>
              {fresh.has(notification.id) ? <span className="badge">{t("notifications.new")}</span> : null}{" "}
              {notification.invitationId ? (
                <Link to={`/invitations/${notification.invitationId}`}>{say(notification, t)}</Link>
              ) : (
                say(notification, t)
              )}
            </p>
            {notification.officerInvitation ? (
              <OfficerAnswer invitation={notification.officerInvitation} busy={busy} />
            ) : null}
            <p className="muted small">
              <When iso={notification.createdAt} />
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A club's officer invitation: Accept / Decline while it waits, its outcome after. */
function OfficerAnswer({
  invitation,
  busy,
}: {
  invitation: NonNullable<Notification["officerInvitation"]>;
  busy: boolean;
}) {
  const t = useT();
  if (invitation.status !== "pending")
    return <p className="muted small">{t(`officer.status.${invitation.status}`)}</p>;
  return (
    <Form method="post" className="actions">
      <input type="hidden" name="id" value={invitation.id} />
      <button type="submit" name="intent" value="accept" className="button button-small" disabled={busy}>
        {t("clubs.accept")}
      </button>
      <button
        type="submit"
        name="intent"
        value="decline"
        className="button button-ghost button-small"
        disabled={busy}
      >
        {t("clubs.decline")}
      </button>
    </Form>
  );
}

const EVENTS = new Set([
  "sent",
  "scheduled",
  "declined",
  "countered",
  "cancelled",
  "completed",
  "expired",
  "message",
  "officer-invitation",
  "reschedule-proposed",
  "reschedule-countered",
  "rescheduled",
  "reschedule-declined",
  "reschedule-withdrawn",
  "meeting-link",
]);

/** The notification in the reader's language when its facts are known; the stored line otherwise. */
function say(notification: Notification, t: Translate): string {
  const facts = notification.facts;
  if (!facts || !EVENTS.has(facts.event)) return notification.text;
  return t(`notify.${facts.event}` as MessageKey, { actor: facts.actor, title: facts.title });
}
