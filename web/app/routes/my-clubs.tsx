import { data, Form, Link, redirect, useNavigation } from "react-router";
import { Notice } from "~/components/notice";
import { When } from "~/components/when";
import { apiCall } from "~/lib/api.server";
import type { MyClubs, OfficerInvitationStatus, Problem, ServedClub } from "~/lib/api-types";
import { problemMessage } from "~/lib/forms";
import { preferredLang, translatorFor } from "~/lib/i18n";
import { answerOfficerInvitation } from "~/lib/officers.server";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/my-clubs";

const LOGIN = "/login?redirectTo=/me/clubs";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "clubs.title");

export async function loader({ request, context }: Route.LoaderArgs) {
  const result = await apiCall<MyClubs>(context, request, "/api/me/clubs");
  if (result.status === 401) throw redirect(LOGIN, { headers: result.headers });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return data(result.data, { headers: result.headers });
}

export async function action({ request, context }: Route.ActionArgs) {
  const answer = await answerOfficerInvitation(context, request, await request.formData());
  if (answer.status === 401) throw redirect(LOGIN, { headers: answer.headers });
  if (answer.ok) return data({ done: answer.status, error: null }, { headers: answer.headers });
  const t = await translatorFor(preferredLang(request));
  return data(
    { done: null as OfficerInvitationStatus | null, error: problemMessage(answer.problem as Problem, t) },
    { status: answer.status, headers: answer.headers },
  );
}

/** The clubs a student serves (with Leave) and the officer invitations waiting for Accept / Decline. */
export default function MyClubsPage({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const { serving, pending } = loaderData;
  const answerButton = (club: ServedClub, intent: "accept" | "decline" | "leave", ghost: boolean) => (
    <Form method="post" className="inline-form">
      <input type="hidden" name="id" value={club.invitationId} />
      <button
        type="submit"
        name="intent"
        value={intent}
        className={ghost ? "button button-ghost button-small" : "button button-small"}
        disabled={busy}
        aria-label={`${t(`clubs.${intent}`)}: ${club.name}`}
      >
        {t(`clubs.${intent}`)}
      </button>
    </Form>
  );
  return (
    <section className="card" data-testid="my-clubs">
      <h1>{t("clubs.title")}</h1>
      <p className="muted">{t("clubs.lead")}</p>
      {actionData?.error ? <Notice tone="error">{actionData.error}</Notice> : null}
      {actionData?.done ? <Notice tone="success">{t(`officer.status.${actionData.done}`)}</Notice> : null}

      <h2>{t("clubs.pendingTitle")}</h2>
      {pending.length === 0 ? <p className="muted">{t("clubs.noPending")}</p> : null}
      <ul className="plain" data-testid="club-invitations">
        {pending.map((club) => (
          <li key={club.invitationId} data-testid="club-invitation">
            <p>
              <Link to={`/u/${club.clubId}`}>{club.name}</Link>{" "}
              <span className="muted">· {t("clubs.invitedAs", { title: club.title })}</span>{" "}
              <span className="muted small">
                <When iso={club.since} />
              </span>
            </p>
            <div className="actions">
              {answerButton(club, "accept", false)}
              {answerButton(club, "decline", true)}
            </div>
          </li>
        ))}
      </ul>

      <h2>{t("clubs.servingTitle")}</h2>
      {serving.length === 0 ? <p className="muted">{t("clubs.noServing")}</p> : null}
      <ul className="plain" data-testid="clubs-served">
        {serving.map((club) => (
          <li key={club.invitationId} data-testid="club-served">
            <p>
              <Link to={`/u/${club.clubId}`}>{club.name}</Link> <span className="muted">· {club.title}</span>
            </p>
            <div className="actions">{answerButton(club, "leave", true)}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
