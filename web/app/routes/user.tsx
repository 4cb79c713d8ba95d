import { data, Form, Link, redirect, useNavigation } from "react-router";
import type { Board } from "~/components/collect-dialog";
import { EventList } from "~/components/event-block";
import { TextAreaField } from "~/components/field";
import { FollowButton } from "~/components/follow-button";
import { PagedNoteGrid } from "~/components/note-grid";
import { Notice } from "~/components/notice";
import { PersonControls } from "~/components/person-controls";
import { ProfileView } from "~/components/profile-view";
import { ReportButton } from "~/components/report-button";
import { apiCall } from "~/lib/api.server";
import type { Account, EventItem, Note, NotePage, Problem, Profile } from "~/lib/api-types";
import { problemMessage } from "~/lib/forms";
import { canInvite } from "~/lib/invitation";
import { isPersonIntent } from "~/lib/person";
import { personAction, personState } from "~/lib/person.server";
import { useRootData, useT } from "~/lib/root-data";
import type { Route } from "./+types/user";

export const meta: Route.MetaFunction = ({ data: page }) => [
  { title: page ? `${page.profile.displayName} · ATAS` : "ATAS" },
];

type Tie = "self" | "connected" | "asked" | "none" | "visitor";

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const id = encodeURIComponent(params.id);
  const search = new URL(request.url).searchParams;
  // Notes, or (signed in) boards: `?tab=boards`. `?cursor=` pages the notes (the grid's "Load more").
  const tab: "notes" | "boards" = search.get("tab") === "boards" ? "boards" : "notes";
  const cursor = search.get("cursor");
  const notesPath = `/api/users/${id}/notes?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
  const [result, me, connections, requests, follow, notes, boards, person] = await Promise.all([
    apiCall<{ profile: Profile }>(context, request, `/api/profiles/${id}`),
    apiCall<{ account: Account }>(context, request, "/api/me"),
    apiCall<{ connections: { userId: string }[] }>(context, request, "/api/connections"),
    apiCall<{ outgoing: { userId: string }[] }>(context, request, "/api/connections/requests"),
    apiCall<{ following: boolean }>(context, request, `/api/follows/${id}`),
    tab === "notes" ? apiCall<NotePage>(context, request, notesPath) : null,
    tab === "boards" ? apiCall<{ boards: Board[] }>(context, request, `/api/users/${id}/boards`) : null,
    personState(context, request, params.id),
  ]);
  // Upcoming events they organise or (named publicly) speak at; the API keeps out what the reader may not see.
  const events = await apiCall<{ events: EventItem[] }>(context, request, `/api/users/${id}/events?limit=10`);
  // A malformed id is as missing as an unknown one.
  if (result.status === 404 || result.status === 400) throw data(null, { status: 404 });
  if (!result.ok) throw data(result.problem, { status: result.status });
  let link: Tie = "visitor";
  if (me.ok) {
    if (me.data.account.id === params.id) link = "self";
    else if (connections.ok && connections.data.connections.some((c) => c.userId === params.id))
      link = "connected";
    else if (requests.ok && requests.data.outgoing.some((r) => r.userId === params.id)) link = "asked";
    else link = "none";
  }
  return {
    ...result.data,
    link,
    // Whether the reader follows this person (null for visitors and on one's own profile).
    following: link !== "self" && follow.ok ? follow.data.following : null,
    // Whether the reader blocked / muted this person (their Block and Mute controls).
    blocked: person.blocked,
    muted: person.muted,
    tab,
    notes: notes?.ok ? notes.data.notes : [],
    nextCursor: notes?.ok ? notes.data.nextCursor : null,
    // Boards are listed to signed-in readers only (the API's rule); null means "not loaded".
    boards: boards?.ok ? boards.data.boards : null,
    events: events.ok ? events.data.events : [],
  };
}

/**
 * Follow / unfollow (their notes reach the following feed); Connect (asks, or accepts their request
 * if they asked first); Message (opens the direct room when the two may talk, else offers a message
 * request); send a message request.
 */
export async function action({ request, context, params }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "connect");
  type Result = { problem: Problem | null; offerRequest: boolean; requested?: boolean };
  if (isPersonIntent(intent)) {
    const result = await personAction(context, request, intent, params.id);
    return data<Result>(
      { problem: result.ok ? null : result.problem, offerRequest: false },
      { status: result.ok ? 200 : result.status, headers: result.headers },
    );
  }
  if (intent === "follow" || intent === "unfollow") {
    const result = await apiCall(context, request, `/api/follows/${encodeURIComponent(params.id)}`, {
      method: intent === "follow" ? "PUT" : "DELETE",
    });
    return data<Result>(
      { problem: result.ok ? null : result.problem, offerRequest: false },
      { status: result.ok ? 200 : result.status, headers: result.headers },
    );
  }
  if (intent === "message") {
    const room = await apiCall<{ id: string }>(context, request, "/api/rooms/dm", {
      json: { userId: params.id },
    });
    if (room.ok) return redirect(`/rooms/${encodeURIComponent(room.data.id)}`, { headers: room.headers });
    return data<Result>(
      { problem: room.problem, offerRequest: room.problem.code === "needs-request" },
      { status: room.status, headers: room.headers },
    );
  }
  if (intent === "request-message") {
    const text = String(form.get("text") ?? "").trim();
    const sent = await apiCall(context, request, "/api/message-requests", {
      json: { toUserId: params.id, text },
    });
    if (sent.ok)
      return data<Result>({ problem: null, offerRequest: false, requested: true }, { headers: sent.headers });
    return data<Result>(
      { problem: sent.problem, offerRequest: true },
      { status: sent.status, headers: sent.headers },
    );
  }
  const result = await apiCall(context, request, "/api/connections/requests", {
    json: { toUserId: params.id },
  });
  if (result.ok) return redirect(`/u/${params.id}`, { headers: result.headers });
  return data<Result>(
    { problem: result.problem, offerRequest: false },
    { status: result.status, headers: result.headers },
  );
}

export default function PublicProfile({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const account = useRootData()?.account;
  const { link } = loaderData;
  return (
    <div className="stack">
      <ProfileView profile={loaderData.profile} />
      {link !== "self" && link !== "visitor" && loaderData.blocked ? (
        <div className="stack">
          <Notice tone="info" testId="blocked-state">
            {t("person.blocked")}
          </Notice>
          <div className="row-actions">
            <PersonControls userId={loaderData.profile.id} blocked muted={loaderData.muted} />
            <ReportButton target="user" id={loaderData.profile.id} />
          </div>
        </div>
      ) : null}
      {link !== "self" && link !== "visitor" && !loaderData.blocked ? (
        <div className="row-actions">
          {loaderData.following !== null ? (
            <FollowButton userId={loaderData.profile.id} following={loaderData.following} />
          ) : null}
          {link === "none" ? (
            <Form method="post">
              <input type="hidden" name="intent" value="connect" />
              <button type="submit" className="button" disabled={busy} data-testid="connect">
                {t("network.connect")}
              </button>
            </Form>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="message" />
            <button type="submit" className="button button-ghost" disabled={busy} data-testid="message">
              {t("rooms.message")}
            </button>
          </Form>
          {/* "Ask this expert": an expert who accepts invitations, to a student or a club. */}
          {canInvite(account?.role) && loaderData.profile.expert?.acceptingInvitations ? (
            <Link to={`/experts/${loaderData.profile.id}/invite`} className="button" data-testid="ask-expert">
              {t("ask.button")}
            </Link>
          ) : null}
          <PersonControls userId={loaderData.profile.id} blocked={false} muted={loaderData.muted} />
          <ReportButton target="user" id={loaderData.profile.id} />
        </div>
      ) : null}
      {loaderData.muted && link !== "self" ? (
        <p className="muted small" data-testid="muted-state">
          {t("person.muted")}
        </p>
      ) : null}
      {actionData?.requested ? <Notice tone="success">{t("rooms.requestSent")}</Notice> : null}
      {actionData?.offerRequest ? (
        <Form method="post" className="form card" data-testid="message-request">
          <input type="hidden" name="intent" value="request-message" />
          <TextAreaField label={t("rooms.requestLabel")} name="text" rows={3} maxLength={500} required />
          <button type="submit" className="button" disabled={busy}>
            {t("rooms.requestSend")}
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
      {loaderData.events.length ? (
        <section className="card stack" data-testid="user-events">
          <h2>{t("events.upcoming")}</h2>
          <EventList events={loaderData.events} />
        </section>
      ) : null}
      <UserContent
        userId={loaderData.profile.id}
        signedIn={link !== "visitor"}
        tab={loaderData.tab}
        notes={loaderData.notes}
        nextCursor={loaderData.nextCursor}
        boards={loaderData.boards}
      />
    </div>
  );
}

/** The person's notes as a grid, and (to signed-in readers) their boards: public ones, or all of one's own. */
function UserContent({
  userId,
  signedIn,
  tab,
  notes,
  nextCursor,
  boards,
}: {
  userId: string;
  signedIn: boolean;
  tab: "notes" | "boards";
  notes: Note[];
  nextCursor: string | null;
  boards: Board[] | null;
}) {
  const t = useT();
  return (
    <section className="stack" aria-label={t("profile.tabs")}>
      {signedIn ? (
        <nav className="tabs" aria-label={t("profile.tabs")}>
          <Link
            to={`/u/${userId}`}
            className={tab === "notes" ? "tab active" : "tab"}
            aria-current={tab === "notes" ? "page" : undefined}
            preventScrollReset
            data-testid="tab-notes"
          >
            {t("profile.notesTab")}
          </Link>
          <Link
            to={`/u/${userId}?tab=boards`}
            className={tab === "boards" ? "tab active" : "tab"}
            aria-current={tab === "boards" ? "page" : undefined}
            preventScrollReset
            data-testid="tab-boards"
          >
            {t("profile.boardsTab")}
          </Link>
        </nav>
      ) : (
        <h2>{t("profile.notesTab")}</h2>
      )}
      {tab === "notes" ? (
        <PagedNoteGrid notes={notes} nextCursor={nextCursor} empty={t("profile.noNotes")} />
      ) : boards?.length ? (
        <ul className="plain board-list" data-testid="board-list">
          {boards.map((board) => (
            <li key={board.id}>
              <Link to={`/boards/${board.id}`} className="board-tile">
                <strong>{board.name}</strong>
                <span className="muted small">
                  {t("board.notes", { n: board.notes })}
                  {board.visibility === "private" ? ` · ${t("board.private")}` : ""}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("profile.noBoards")}</p>
      )}
    </section>
  );
}
