import { useEffect, useRef, useState } from "react";
import { data, Form, Link, redirect, useFetcher, useNavigation } from "react-router";
import { When } from "~/components/when";
import { apiCall } from "~/lib/api.server";
import type { Notification, Notifications } from "~/lib/api-types";
import type { MessageKey, Translate } from "~/lib/i18n";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/notifications";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "notifications.title");

export async function loader({ request, context }: Route.LoaderArgs) {
  const result = await apiCall<Notifications>(context, request, "/api/notifications");
  if (result.status === 401) throw redirect("/login?redirectTo=/notifications", { headers: result.headers });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return result.data;
}

/** Marks everything read. Answers with data, not a redirect: a background fetcher must not navigate. */
export async function action({ request, context }: Route.ActionArgs) {
  const result = await apiCall<Notifications>(context, request, "/api/notifications/read", { json: {} });
  if (result.status === 401) throw redirect("/login?redirectTo=/notifications", { headers: result.headers });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return data({ unread: result.data.unread }, { headers: result.headers });
}

export default function NotificationsPage({ loaderData }: Route.ComponentProps) {
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
            <p className="muted small">
              <When iso={notification.createdAt} />
            </p>
          </li>
        ))}
      </ul>
    </section>
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
]);

/** The notification in the reader's language when its facts are known; the stored line otherwise. */
function say(notification: Notification, t: Translate): string {
  const facts = notification.facts;
  if (!facts || !EVENTS.has(facts.event)) return notification.text;
  return t(`notify.${facts.event}` as MessageKey, { actor: facts.actor, title: facts.title });
}
