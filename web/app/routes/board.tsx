import { data, Link, redirect } from "react-router";
import type { Board } from "~/components/collect-dialog";
import { PagedNoteGrid } from "~/components/note-grid";
import { apiCall } from "~/lib/api.server";
import type { Note, Profile } from "~/lib/api-types";
import { useT } from "~/lib/root-data";
import type { Route } from "./+types/board";

/** Notes per page; the board API returns them whole (cover, author, counts), newest collected first. */
const PAGE = 20;

export const meta: Route.MetaFunction = ({ data: page }) => [
  { title: page ? `${page.board.name} · ATAS` : "ATAS" },
];

interface BoardPage {
  board: Board;
  notes: Note[];
  nextCursor: string | null;
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const id = encodeURIComponent(params.id);
  const api = new URLSearchParams({ limit: String(PAGE) });
  const cursor = new URL(request.url).searchParams.get("cursor");
  if (cursor) api.set("cursor", cursor);
  const found = await apiCall<BoardPage>(context, request, `/api/boards/${id}?${api}`);
  if (found.status === 401) throw redirect(`/login?redirectTo=/boards/${id}`, { headers: found.headers });
  if (found.status === 404 || found.status === 400) throw data(null, { status: 404 });
  if (!found.ok) throw data(found.problem, { status: found.status });
  const owner = await apiCall<{ profile: Profile }>(
    context,
    request,
    `/api/profiles/${encodeURIComponent(found.data.board.ownerId)}`,
  );
  return data(
    {
      board: found.data.board,
      ownerName: owner.ok ? owner.data.profile.displayName : null,
      notes: found.data.notes,
      nextCursor: found.data.nextCursor,
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
