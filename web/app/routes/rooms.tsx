import { data, Form, Link, redirect } from "react-router";
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

interface MessageRequest {
  id: string;
  userId: string;
  displayName: string;
  text: string;
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const [result, requests] = await Promise.all([
    apiCall<{ rooms: RoomSummary[] }>(context, request, "/api/rooms"),
    apiCall<{ incoming: MessageRequest[] }>(context, request, "/api/message-requests"),
  ]);
  if (result.status === 401) throw redirect("/login?redirectTo=/rooms", { headers: result.headers });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return { ...result.data, requests: requests.ok ? requests.data.incoming : [] };
}

/** Accepting a message request opens the direct room with its text as the first message. */
export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const id = encodeURIComponent(String(form.get("id") ?? ""));
  const answer = form.get("answer") === "accept" ? "accept" : "decline";
  const result = await apiCall<{ roomId: string | null }>(
    context,
    request,
    `/api/message-requests/${id}/${answer}`,
    {
      method: "POST",
    },
  );
  if (result.ok && result.data.roomId)
    return redirect(`/rooms/${encodeURIComponent(result.data.roomId)}`, { headers: result.headers });
  return redirect("/rooms", { headers: result.headers });
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
      {loaderData.requests.length ? (
        <section className="card" aria-labelledby="requests-title" data-testid="message-requests">
          <h2 id="requests-title">{t("rooms.requests")}</h2>
          <ul className="plain network-list">
            {loaderData.requests.map((r) => (
              <li key={r.id}>
                <p>
                  <Link to={`/u/${r.userId}`}>{r.displayName}</Link>:{" "}
                  <span className="prewrap">{r.text}</span>
                </p>
                <Form method="post" className="row-actions">
                  <input type="hidden" name="id" value={r.id} />
                  <button type="submit" name="answer" value="accept" className="button button-small">
                    {t("rooms.accept")}
                  </button>
                  <button
                    type="submit"
                    name="answer"
                    value="decline"
                    className="button button-ghost button-small"
                  >
                    {t("rooms.decline")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
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
