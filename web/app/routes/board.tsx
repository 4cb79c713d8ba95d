import { data, Link, redirect } from "react-router";
import type { Board } from "~/components/collect-dialog";
import { PagedNoteGrid } from "~/components/note-grid";
import { apiCall } from "~/lib/api.server";
import type { Note, Profile } from "~/lib/api-types";
import { useT } from "~/lib/root-data";
import type { Route } from "./+types/board";

/** Notes shown per page: the board API lists ids, and each card needs its note's cover. */
const PAGE = 20;

export const meta: Route.MetaFunction = ({ data: page }) => [
  { title: page ? `${page.board.name} · ATAS` : "ATAS" },
];

interface BoardPage {
  board: Board;
  notes: { id: string }[];
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const id = encodeURIComponent(params.id);
  const found = await apiCall<BoardPage>(context, request, `/api/boards/${id}`);
  if (found.status === 401) throw redirect(`/login?redirectTo=/boards/${id}`, { headers: found.headers });
  if (found.status === 404 || found.status === 400) throw data(null, { status: 404 });
  if (!found.ok) throw data(found.problem, { status: found.status });
  // The cursor is an offset into the board's notes, newest collected first.
  const from = Math.max(0, Math.trunc(Number(new URL(request.url).searchParams.get("cursor")) || 0));
  const ids = found.data.notes.slice(from, from + PAGE).map((n) => n.id);
  const [owner, ...notes] = await Promise.all([
    apiCall<{ profile: Profile }>(context, request, `/api/profiles/${found.data.board.ownerId}`),
    ...ids.map((noteId) => apiCall<{ note: Note }>(context, request, `/api/notes/${noteId}`)),
  ]);
  return data(
    {
      board: found.data.board,
      ownerName: owner.ok ? owner.data.profile.displayName : null,
      // A note hidden or deleted between the two reads is simply left out.
      notes: notes.flatMap((n) => (n.ok ? [n.data.note] : [])),
      nextCursor: from + PAGE < found.data.notes.length ? String(from + PAGE) : null,
    },
    { headers: found.headers },
  );
}

export default function BoardView({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { board, ownerName, notes, nextCursor } = loaderData;
  return (
    <div className="stack">
      <section className="card">
        <h1 data-testid="board-name">{board.name}</h1>
        <p className="muted">
          {ownerName ? <Link to={`/u/${board.ownerId}`}>{t("board.owner", { name: ownerName })}</Link> : null}
          {ownerName ? " · " : null}
          {t("board.notes", { n: board.notes })}
          {board.visibility === "private" ? (
            <>
              {" · "}
              <span className="chip">{t("board.private")}</span>
            </>
          ) : null}
        </p>
      </section>
      <PagedNoteGrid notes={notes} nextCursor={nextCursor} empty={t("board.empty")} />
    </div>
  );
}
