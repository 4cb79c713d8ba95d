import { data, Form, redirect, useNavigation } from "react-router";
import { Notice } from "~/components/notice";
import { ProfileView } from "~/components/profile-view";
import { apiCall } from "~/lib/api.server";
import type { Account, Problem, Profile } from "~/lib/api-types";
import { problemMessage } from "~/lib/forms";
import { useT } from "~/lib/root-data";
import type { Route } from "./+types/user";

export const meta: Route.MetaFunction = ({ data: page }) => [
  { title: page ? `${page.profile.displayName} · ATAS` : "ATAS" },
];

type Link = "self" | "connected" | "asked" | "none" | "visitor";

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const id = encodeURIComponent(params.id);
  const [result, me, connections, requests] = await Promise.all([
    apiCall<{ profile: Profile }>(context, request, `/api/profiles/${id}`),
    apiCall<{ account: Account }>(context, request, "/api/me"),
    apiCall<{ connections: { userId: string }[] }>(context, request, "/api/connections"),
    apiCall<{ outgoing: { userId: string }[] }>(context, request, "/api/connections/requests"),
  ]);
  // A malformed id is as missing as an unknown one.
  if (result.status === 404 || result.status === 400) throw data(null, { status: 404 });
  if (!result.ok) throw data(result.problem, { status: result.status });
  let link: Link = "visitor";
  if (me.ok) {
    if (me.data.account.id === params.id) link = "self";
    else if (connections.ok && connections.data.connections.some((c) => c.userId === params.id))
      link = "connected";
    else if (requests.ok && requests.data.outgoing.some((r) => r.userId === params.id)) link = "asked";
    else link = "none";
  }
  return { ...result.data, link };
}

/** Connect: asks to connect (or accepts their request, if they asked first). */
export async function action({ request, context, params }: Route.ActionArgs) {
  const result = await apiCall(context, request, "/api/connections/requests", {
    json: { toUserId: params.id },
  });
  if (result.ok) return redirect(`/u/${params.id}`, { headers: result.headers });
  return data({ problem: result.problem as Problem }, { status: result.status, headers: result.headers });
}

export default function PublicProfile({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const { link } = loaderData;
  return (
    <div className="stack">
      <ProfileView profile={loaderData.profile} />
      {link === "none" ? (
        <Form method="post">
          <button type="submit" className="button" disabled={busy} data-testid="connect">
            {t("network.connect")}
          </button>
        </Form>
      ) : null}
      {link === "asked" ? (
        <p className="muted" data-testid="connect-state">
          {t("network.asked")}
        </p>
      ) : null}
      {link === "connected" ? (
        <p className="muted" data-testid="connect-state">
          {t("network.connected")}
        </p>
      ) : null}
      {actionData?.problem ? <Notice tone="error">{problemMessage(actionData.problem, t)}</Notice> : null}
    </div>
  );
}
