import { data } from "react-router";
import { ProfileView } from "~/components/profile-view";
import { apiCall } from "~/lib/api.server";
import type { Profile } from "~/lib/api-types";
import type { Route } from "./+types/user";

export const meta: Route.MetaFunction = ({ data: page }) => [
  { title: page ? `${page.profile.displayName} · ATAS` : "ATAS" },
];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const result = await apiCall<{ profile: Profile }>(
    context,
    request,
    `/api/profiles/${encodeURIComponent(params.id)}`,
  );
  // A malformed id is as missing as an unknown one.
  if (result.status === 404 || result.status === 400) throw data(null, { status: 404 });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return result.data;
}

export default function PublicProfile({ loaderData }: Route.ComponentProps) {
  return <ProfileView profile={loaderData.profile} />;
}
