import { data, Link, redirect } from "react-router";
import { apiCall } from "~/lib/api.server";
import type { MessageKey } from "~/lib/i18n";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/rooms";

interface RoomSummary {
  id: string;
  kind: "campus" | "topic" | "club" | "dm";
  title: string;
  online: number;
}

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "rooms.title");

export async function loader({ request, context }: Route.LoaderArgs) {
  const result = await apiCall<{ rooms: RoomSummary[] }>(context, request, "/api/rooms");
  if (result.status === 401) throw redirect("/login?redirectTo=/rooms", { headers: result.headers });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return result.data;
}

const KINDS = ["campus", "topic", "club", "dm"] as const;

/** The rooms the user can enter, grouped by kind, with how many people are in each right now. */
export default function Rooms({ loaderData }: Route.ComponentProps) {
  const t = useT();
  return (
    <div className="stack">
      <section className="card">
        <h1>{t("rooms.title")}</h1>
        <p className="muted">{t("rooms.lead")}</p>
      </section>
      {KINDS.map((kind) => {
        const rooms = loaderData.rooms.filter((r) => r.kind === kind);
        if (rooms.length === 0) return null;
        return (
          <section key={kind} className="card" aria-labelledby={`rooms-${kind}`}>
            <h2 id={`rooms-${kind}`}>{t(`rooms.kind.${kind}` as MessageKey)}</h2>
            <ul className="plain network-list">
              {rooms.map((room) => (
                <li key={room.id} className="row-actions" data-testid="room-row">
                  <Link to={`/rooms/${encodeURIComponent(room.id)}`}>{room.title}</Link>
                  <span className="chip" data-testid="room-row-online">
                    {t("rooms.online", { n: room.online })}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
