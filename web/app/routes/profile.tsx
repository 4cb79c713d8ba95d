import { data, Link, redirect } from "react-router";
import { ProfileView } from "~/components/profile-view";
import { apiCall } from "~/lib/api.server";
import type { Me } from "~/lib/api-types";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/profile";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "profile.title");

export async function loader({ request, context }: Route.LoaderArgs) {
  const me = await apiCall<Me>(context, request, "/api/me");
  if (me.status === 401) throw redirect("/login?redirectTo=/profile", { headers: me.headers });
  if (!me.ok) throw data(me.problem, { status: me.status });
  return data(me.data, { headers: me.headers });
}

export default function MyProfile({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { account, profile } = loaderData;
  return (
    <ProfileView profile={profile}>
      <footer className="profile-owner">
        <p className="muted small">
          {t("profile.email")}: {account.email}
          {account.emailVerified ? ` · ${t("profile.emailVerified")}` : ""}
        </p>
        <div className="actions">
          <Link to="/profile/edit" className="button">
            {t("profile.edit")}
          </Link>
          <Link to={`/u/${account.id}`} className="button button-ghost">
            {t("profile.publicPage")}
          </Link>
          {account.role === "student" ? (
            <Link to="/me/clubs" className="button button-ghost">
              {t("clubs.title")}
            </Link>
          ) : null}
        </div>
      </footer>
    </ProfileView>
  );
}
