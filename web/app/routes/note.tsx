import { data, Link, redirect, type ShouldRevalidateFunctionArgs, useSearchParams } from "react-router";
import { Avatar } from "~/components/avatar";
import { type Board, CollectButton } from "~/components/collect-dialog";
import { EventPanel } from "~/components/event-block";
import { FollowButton } from "~/components/follow-button";
import { NoteBody } from "~/components/note-body";
import { NoteCarousel } from "~/components/note-carousel";
import { type CommentThread, NoteComments } from "~/components/note-comments";
import { AskExpert } from "~/components/note-page/ask-expert";
import { DeleteNote } from "~/components/note-page/delete-note";
import { EditNote } from "~/components/note-page/edit-note";
import { LikeButton } from "~/components/note-page/like-button";
import { Notice } from "~/components/notice";
import { REPORT_ACTION, ReportButton } from "~/components/report-button";
import { When } from "~/components/when";
import { apiCall } from "~/lib/api.server";
import type { EventAttendee, EventItem, Me, Note, Problem, Profile } from "~/lib/api-types";
import { formText, problemMessage } from "~/lib/forms";
import type { MessageKey } from "~/lib/i18n";
import { canInvite } from "~/lib/invitation";
import type { NoteActionResult } from "~/lib/note-action";
import { useT } from "~/lib/root-data";
import type { Route } from "./+types/note";

const COMMENTS_FIRST = 20;
const COMMENTS_MAX = 100;

export const meta: Route.MetaFunction = ({ data: page }) => [
  { title: page ? `${page.note.title} · ATAS` : "ATAS" },
  ...(page ? [{ name: "description", content: page.note.body.slice(0, 160) }] : []),
];

interface CommentPage {
  threads: CommentThread[];
  nextCursor: string | null;
  comments: number;
}

/** A report leaves the page as it is: the reporter reads the thank-you even when their report hid the note. */
export function shouldRevalidate({ formAction, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (formAction === REPORT_ACTION) return false;
  return defaultShouldRevalidate;
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const id = encodeURIComponent(params.id);
  // `?comments=N` shows more threads: the "More comments" link, with or without JavaScript.
  const shown = Math.min(
    COMMENTS_MAX,
    Math.max(COMMENTS_FIRST, Number(new URL(request.url).searchParams.get("comments")) || 0),
  );
  const account = apiCall<Me>(context, request, "/api/me");
  // The reader's boards need only the reader (the header has read /api/me already): asked beside the note.
  const readerBoards = account.then((me) =>
    me.ok ? apiCall<{ boards: Board[] }>(context, request, `/api/users/${me.data.account.id}/boards`) : null,
  );
  const [found, me, comments, eventFound] = await Promise.all([
    apiCall<{ note: Note }>(context, request, `/api/notes/${id}`),
    account,
    apiCall<CommentPage>(context, request, `/api/notes/${id}/comments?limit=${shown}`),
    // An event note carries an event block; any other note answers 404 here.
    apiCall<EventItem>(context, request, `/api/events/${id}`),
  ]);
  const event = eventFound.ok ? eventFound.data.event : null;
  const attendees =
    event?.viewer.organiser === true
      ? await apiCall<{ attendees: EventAttendee[] }>(context, request, `/api/events/${id}/attendees`)
      : null;
  // Missing, malformed, or not for this reader: all the same 404.
  if (found.status === 404 || found.status === 400) throw data(null, { status: 404 });
  if (!found.ok) throw data(found.problem, { status: found.status });
  const note = found.data.note;
  const viewer = me.ok ? me.data.account : null;
  let following: boolean | null = null;
  let boards: Board[] = [];
  let askExpert = false;
  if (viewer) {
    // "Ask this expert": for students and clubs, on a note by an expert who accepts invitations.
    // The author's profile says so (read from D1); the expert page's track record is not needed here.
    const mayAsk = viewer.id !== note.author.id && canInvite(viewer.role) && !note.hidden;
    const [follow, mine, author] = await Promise.all([
      viewer.id === note.author.id
        ? null
        : apiCall<{ following: boolean }>(context, request, `/api/follows/${note.author.id}`),
      readerBoards,
      mayAsk
        ? apiCall<{ profile: Profile }>(
            context,
            request,
            `/api/profiles/${encodeURIComponent(note.author.id)}`,
          )
        : null,
    ]);
    following = follow?.ok ? follow.data.following : null;
    boards = mine?.ok ? mine.data.boards : [];
    askExpert =
      author?.ok === true &&
      author.data.profile.role === "expert" &&
      author.data.profile.expert?.acceptingInvitations === true;
  }
  return data(
    {
      note,
      viewerId: viewer?.id ?? null,
      askExpert,
      following,
      boards,
      comments: comments.ok ? comments.data : null,
      shownComments: shown,
      event,
      attendees: attendees?.ok ? attendees.data.attendees : null,
    },
    { headers: me.headers },
  );
}

/** Every button on the page posts here (as a fetcher with JavaScript, as a form without). */
export async function action({ request, context, params }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = formText(form, "intent");
  const id = encodeURIComponent(params.id);
  const notePath = `/api/notes/${id}`;
  const answer = (
    result: { ok: boolean; status: number; headers: Headers; problem?: Problem },
    board?: string,
  ) =>
    data<NoteActionResult>(
      {
        intent,
        ok: result.ok,
        ...(result.problem ? { problem: result.problem } : {}),
        ...(board ? { board } : {}),
      },
      { status: result.ok ? 200 : result.status, headers: result.headers },
    );
  const commentId = encodeURIComponent(formText(form, "commentId"));
  switch (intent) {
    case "like":
    case "unlike":
      return answer(
        await apiCall(context, request, `${notePath}/like`, { method: intent === "like" ? "PUT" : "DELETE" }),
      );
    case "follow":
    case "unfollow":
      return answer(
        await apiCall(context, request, `/api/follows/${encodeURIComponent(formText(form, "userId"))}`, {
          method: intent === "follow" ? "PUT" : "DELETE",
        }),
      );
    case "collect": {
      const boardId = encodeURIComponent(formText(form, "boardId"));
      const result = await apiCall(context, request, `/api/boards/${boardId}/notes/${id}`, { method: "PUT" });
      return answer(result, formText(form, "boardName"));
    }
    case "create-board": {
      const board = await apiCall<Board>(context, request, "/api/boards", {
        json: { name: formText(form, "name"), visibility: form.get("private") ? "private" : "public" },
      });
      if (!board.ok) return answer(board);
      const result = await apiCall(context, request, `/api/boards/${board.data.id}/notes/${id}`, {
        method: "PUT",
      });
      return answer(result, board.data.name);
    }
    case "comment": {
      const parentId = formText(form, "parentId");
      return answer(
        await apiCall(context, request, `${notePath}/comments`, {
          json: { body: formText(form, "body"), ...(parentId ? { parentId } : {}) },
        }),
      );
    }
    case "like-comment":
    case "unlike-comment":
      return answer(
        await apiCall(context, request, `/api/comments/${commentId}/like`, {
          method: intent === "like-comment" ? "PUT" : "DELETE",
        }),
      );
    case "rsvp":
      return answer(
        await apiCall(context, request, `/api/events/${id}/rsvp`, {
          method: "PUT",
          json: { status: formText(form, "status") },
        }),
      );
    case "recap": {
      const result = await apiCall<{ note: Note }>(context, request, `/api/events/${id}/recap`, {
        json: { body: formText(form, "body") },
      });
      if (result.ok) return redirect(`/notes/${result.data.note.id}`, { headers: result.headers });
      return answer(result);
    }
    case "delete-comment":
      return answer(await apiCall(context, request, `/api/comments/${commentId}`, { method: "DELETE" }));
    case "edit": {
      const result = await apiCall(context, request, notePath, {
        method: "PATCH",
        json: {
          title: formText(form, "title"),
          body: formText(form, "body"),
          visibility: formText(form, "visibility"),
        },
      });
      if (result.ok) return redirect(`/notes/${id}`, { headers: result.headers });
      return answer(result);
    }
    case "delete": {
      const result = await apiCall(context, request, notePath, { method: "DELETE" });
      if (result.ok) return redirect("/profile", { headers: result.headers });
      return answer(result);
    }
    default:
      return data<NoteActionResult>(
        { intent, ok: false, problem: { title: "Unknown action", status: 400 } },
        { status: 400 },
      );
  }
}

export default function NotePage({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const [params] = useSearchParams();
  const { note, viewerId, askExpert, following, boards, comments, shownComments, event, attendees } =
    loaderData;
  const mine = viewerId === note.author.id;
  const editing = mine && params.has("edit");
  const moreHref =
    comments?.nextCursor && shownComments < COMMENTS_MAX
      ? `?comments=${Math.min(COMMENTS_MAX, shownComments + COMMENTS_FIRST)}#comments-title`
      : null;
  return (
    <div className="stack">
      <article className="note-page" data-testid="note">
        <NoteCarousel images={note.images} title={note.title} />
        <div className="card">
          <header className="note-author">
            <Link to={`/u/${note.author.id}`} className="note-author-name" data-testid="note-author">
              <Avatar name={note.author.displayName} url={null} alt="" size="small" />
              {note.author.displayName}
            </Link>
            {viewerId && !mine && following !== null ? (
              <FollowButton userId={note.author.id} following={following} />
            ) : null}
          </header>
          {note.hidden ? (
            <Notice tone="info" testId="note-hidden">
              {t("note.hiddenBadge")}
            </Notice>
          ) : null}
          {editing ? (
            <EditNote note={note} problem={actionData?.intent === "edit" ? actionData.problem : undefined} />
          ) : (
            <>
              <h1 className="note-title" data-testid="note-title">
                {note.title}
              </h1>
              <NoteBody note={note} />
              <p className="note-meta">
                <When iso={note.createdAt} zone={false} />
                {note.editedAt ? (
                  <span data-testid="note-edited">
                    {" · "}
                    {t("note.edited")}
                  </span>
                ) : null}
                {mine
                  ? ` · ${t("note.visibleTo", { who: t(`visibility.${note.visibility}` as MessageKey) })}`
                  : null}
              </p>
            </>
          )}
          {event ? <EventPanel event={event} signedIn={viewerId !== null} attendees={attendees} /> : null}
          {viewerId ? (
            <div className="note-actions">
              <LikeButton liked={note.viewer.liked} likes={note.counts.likes} />
              <CollectButton
                boards={boards}
                collected={note.viewer.collected}
                collects={note.counts.collects}
                open={params.has("collect")}
                closeHref={`/notes/${note.id}`}
              />
              {askExpert ? <AskExpert expertId={note.author.id} noteId={note.id} /> : null}
              {mine ? null : <ReportButton target="note" id={note.id} />}
              {mine && !editing ? (
                <>
                  <Link to="?edit=1" className="button button-ghost" data-testid="note-edit">
                    {t("note.edit")}
                  </Link>
                  <DeleteNote />
                </>
              ) : null}
            </div>
          ) : (
            <p className="muted">
              <Link to={`/login?redirectTo=/notes/${note.id}`}>{t("nav.login")}</Link> ·{" "}
              {t("note.signInToAct")}
            </p>
          )}
          {actionData?.problem && actionData.intent !== "edit" ? (
            <Notice tone="error">{problemMessage(actionData.problem, t)}</Notice>
          ) : null}
        </div>
      </article>
      {viewerId && comments ? (
        <NoteComments
          threads={comments.threads}
          count={comments.comments}
          viewerId={viewerId}
          noteAuthorId={note.author.id}
          replyTo={params.get("reply")}
          moreHref={moreHref}
        />
      ) : null}
    </div>
  );
}
