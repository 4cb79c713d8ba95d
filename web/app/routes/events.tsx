import { data, Link } from "react-router";
import { EventList } from "~/components/event-block";
import { apiCall } from "~/lib/api.server";
import type { EventItem } from "~/lib/api-types";
import type { MessageKey } from "~/lib/i18n";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/events";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "events.title");

const SCOPES = ["campus", "following", "mine"] as const;
type Scope = (typeof SCOPES)[number];
const LABEL: Record<Scope, MessageKey> = {
  campus: "events.scopeCampus",
  following: "events.scopeFollowing",
  mine: "events.scopeMine",
};

/** Upcoming events: on my campus (signed out: public ones), from people I follow, and mine. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const asked = new URL(request.url).searchParams.get("scope");
  const scope: Scope = (SCOPES as readonly string[]).includes(asked ?? "") ? (asked as Scope) : "campus";
  const list = await apiCall<{ events: EventItem[] }>(
    context,
    request,
    `/api/events?scope=${scope}&limit=50`,
  );
  if (list.status === 401)
    return data({ scope, events: [] as EventItem[], signedOut: true }, { headers: list.headers });
  if (!list.ok) throw data(list.problem, { status: list.status });
  return data({ scope, events: list.data.events, signedOut: false }, { headers: list.headers });
}

export default function EventsPage({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { scope, events, signedOut } = loaderData;
  return (
    <div className="stack">
      <h1>{t("events.title")}</h1>
      <nav aria-label={t("events.scopes")} className="feed-tabs">
        {SCOPES.map((s) => (
          <Link
            key={s}
            to={`/events?scope=${s}`}
            className={s === scope ? "feed-tab active" : "feed-tab"}
            aria-current={s === scope ? "page" : undefined}
            data-testid={`events-scope-${s}`}
          >
            {t(LABEL[s])}
          </Link>
        ))}
      </nav>
      {signedOut ? (
        <p className="muted">
          <Link to={`/login?redirectTo=/events?scope=${scope}`}>{t("events.loginForMore")}</Link>
        </p>
      ) : (
        <EventList events={events} empty={t("events.empty")} />
      )}
    </div>
  );
}
