import { data, Link, redirect } from "react-router";
import { NetworkExperts } from "~/components/network-experts";
import { StatusBadge } from "~/components/status-badge";
import { apiCall } from "~/lib/api.server";
import type { Bucket, Dashboard, DashboardRow, NetworkExpert } from "~/lib/api-types";
import { pageMeta, useT } from "~/lib/root-data";
import { formatZoned } from "~/lib/time";
import { useTimeZone } from "~/lib/time-zone";
import type { Route } from "./+types/invitations";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "invitations.title");

const BUCKETS: Bucket[] = ["pending", "upcoming", "past"];

export async function loader({ request, context }: Route.LoaderArgs) {
  const params = new URL(request.url).searchParams;
  const asked = params.get("bucket");
  const bucket = BUCKETS.find((b) => b === asked) ?? "pending";
  const cursor = params.get("cursor");
  const [result, network] = await Promise.all([
    apiCall<Dashboard>(
      context,
      request,
      `/api/invitations?bucket=${bucket}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    ),
    apiCall<{ experts: NetworkExpert[] }>(context, request, "/api/network/experts?limit=4"),
  ]);
  if (result.status === 401)
    throw redirect(`/login?redirectTo=${encodeURIComponent(`/invitations?bucket=${bucket}`)}`, {
      headers: result.headers,
    });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return { bucket, ...result.data, network: network.ok ? network.data.experts : [] };
}

export default function Invitations({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { bucket, counts, invitations, nextCursor } = loaderData;
  return (
    <div className="stack">
      <section className="card">
        <h1>{t("invitations.title")}</h1>
        <nav aria-label={t("invitations.tabs")} className="tabs">
          {BUCKETS.map((b) => (
            <Link
              key={b}
              to={`/invitations?bucket=${b}`}
              className={b === bucket ? "tab active" : "tab"}
              aria-current={b === bucket ? "page" : undefined}
              data-testid={`tab-${b}`}
            >
              {t(`bucket.${b}`)} <span className="tab-count">{counts[b]}</span>
            </Link>
          ))}
        </nav>
      </section>
      {invitations.length === 0 ? (
        <section className="card">
          <p className="muted">{t("invitations.empty")}</p>
          <Link to="/experts">{t("invitations.findExperts")}</Link>
        </section>
      ) : (
        <ul className="invitation-list" data-testid="invitation-list">
          {invitations.map((invitation) => (
            <Row key={invitation.id} invitation={invitation} />
          ))}
        </ul>
      )}
      {nextCursor ? (
        <Link
          className="button button-ghost"
          to={`/invitations?bucket=${bucket}&cursor=${encodeURIComponent(nextCursor)}`}
        >
          {t("invitations.more")}
        </Link>
      ) : null}
      <NetworkExperts experts={loaderData.network} />
    </div>
  );
}

function Row({ invitation }: { invitation: DashboardRow }) {
  const t = useT();
  const zone = useTimeZone();
  const sent = invitation.side === "requester";
  return (
    <li className="card invitation-row" data-testid="invitation-row">
      <div className="invitation-row-head">
        <h2 className="invitation-row-title">
          <Link to={`/invitations/${invitation.id}`}>{invitation.title}</Link>
        </h2>
        <StatusBadge status={invitation.status} testId="row-status" />
      </div>
      <p className="invitation-row-meta" data-testid="row-side" data-side={invitation.side}>
        {sent
          ? t("invitation.youSent", { name: invitation.counterpartName })
          : t("invitation.youReceived", { name: invitation.counterpartName })}
      </p>
      <p className="muted small">
        <time dateTime={invitation.scheduledStart ?? invitation.responseDeadline}>
          {invitation.scheduledStart
            ? t("invitations.scheduledFor", { time: formatZoned(invitation.scheduledStart, zone, t) })
            : t("invitations.respondBy", { time: formatZoned(invitation.responseDeadline, zone, t) })}
        </time>
      </p>
    </li>
  );
}
