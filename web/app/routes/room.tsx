import { type FormEvent, useEffect, useRef, useState } from "react";
import { data, Link, redirect, type ShouldRevalidateFunctionArgs } from "react-router";
import { EventList } from "~/components/event-block";
import { Notice } from "~/components/notice";
import { PersonControls } from "~/components/person-controls";
import { ReportButton } from "~/components/report-button";
import { apiCall } from "~/lib/api.server";
import type { EventItem } from "~/lib/api-types";
import { isPersonIntent, type PersonState } from "~/lib/person";
import { personAction, personState } from "~/lib/person.server";
import { useT } from "~/lib/root-data";
import { useHydrated } from "~/lib/use-hydrated";
import { useRoom } from "~/lib/use-room";
import { MAX_MESSAGE_CHARS } from "../../../worker/src/realtime/room-protocol";
import type { Route } from "./+types/room";

interface RoomSummary {
  id: string;
  kind: string;
  title: string;
  online: number;
  /** The other person of a direct room. */
  peer: { userId: string; displayName: string } | null;
}

interface Person {
  userId: string;
  displayName: string;
}

export const meta: Route.MetaFunction = ({ data: room }) => [
  { title: room ? `${room.title} · ATAS` : "ATAS" },
];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const result = await apiCall<{ rooms: RoomSummary[] }>(context, request, "/api/rooms");
  if (result.status === 401)
    throw redirect(`/login?redirectTo=${encodeURIComponent(`/rooms/${params.id}`)}`, {
      headers: result.headers,
    });
  if (!result.ok) throw data(result.problem, { status: result.status });
  const room = result.data.rooms.find((r) => r.id === params.id);
  if (!room) throw data(null, { status: 404 });
  const peerState = room.peer ? await personState(context, request, room.peer.userId) : null;
  // A club's room pins the club's upcoming events at the top (read from D1, not the room's log).
  const club = params.id.startsWith("club:") ? params.id.slice("club:".length) : null;
  const events = club
    ? await apiCall<{ events: EventItem[] }>(
        context,
        request,
        `/api/users/${encodeURIComponent(club)}/events?limit=5`,
      )
    : null;
  return { ...room, peerState, pinnedEvents: events?.ok ? events.data.events : [] };
}

/** Block, unblock, mute or unmute someone in the room; answers their new state for the person panel. */
export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = form.get("intent");
  const userId = String(form.get("userId") ?? "");
  if (!isPersonIntent(intent) || !userId) throw data(null, { status: 400 });
  const result = await personAction(context, request, intent, userId);
  if (!result.ok) return data({ userId, problem: result.problem }, { status: result.status });
  return (await personState(context, request, userId)) satisfies PersonState;
}

/** A block or mute changes nothing the room's loader shows; the panel shows the answer itself. */
export function shouldRevalidate({ formData, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (isPersonIntent(formData?.get("intent"))) return false;
  return defaultShouldRevalidate;
}

/** A live room: history, messages as they come, who is typing, how many are here; works across reconnects. */
export default function Room({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const hydrated = useHydrated();
  const { state, send, typing, remove, older } = useRoom(loaderData.id);
  const [draft, setDraft] = useState("");
  const list = useRef<HTMLOListElement>(null);
  const lastTyping = useRef(0);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  // Stay at the bottom as messages arrive.
  const count = state.messages.length + state.pending.length;
  useEffect(() => {
    if (count >= 0) list.current?.lastElementChild?.scrollIntoView({ block: "end" });
  }, [count]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const body = draft.trim();
    if (!body) return;
    send(body);
    setDraft("");
  }
  function onType(value: string) {
    setDraft(value);
    if (Date.now() - lastTyping.current > 2000) {
      lastTyping.current = Date.now();
      typing();
    }
  }
  const [selected, setSelected] = useState<Person | null>(null);
  const typers = state.typing.filter((x) => x.until > now && x.userId !== state.you?.userId);
  const first = state.messages[0];

  return (
    <div className="stack room-page">
      <p>
        <Link to="/rooms">← {t("rooms.back")}</Link>
      </p>
      {loaderData.pinnedEvents.length ? (
        <section className="card stack" data-testid="room-pinned-events" aria-label={t("events.pinned")}>
          <h2>{t("events.pinned")}</h2>
          <EventList events={loaderData.pinnedEvents} />
        </section>
      ) : null}
      <section className="card room" data-testid="room" data-status={state.status}>
        <div className="room-head">
          <h1>{loaderData.title}</h1>
          <span className="chip" data-testid="room-online">
            {t("rooms.online", { n: state.online })}
          </span>
          {loaderData.peer ? (
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => setSelected(loaderData.peer)}
              data-testid="room-peer"
            >
              {loaderData.peer.displayName}
            </button>
          ) : null}
        </div>
        {selected ? (
          <PersonPanel
            person={selected}
            state={selected.userId === loaderData.peer?.userId ? loaderData.peerState : null}
            onClose={() => setSelected(null)}
          />
        ) : null}
        {state.status === "offline" || state.status === "unreachable" ? (
          <Notice tone="error" testId={`room-${state.status}`}>
            {t(`rooms.${state.status}`)}
          </Notice>
        ) : null}
        {!hydrated ? <p className="muted">{t("rooms.needsScript")}</p> : null}
        {state.more && first ? (
          <button type="button" className="button button-ghost button-small" onClick={() => older(first.seq)}>
            {t("rooms.older")}
          </button>
        ) : null}
        <ol className="plain messages" ref={list} data-testid="messages" aria-live="polite">
          {state.messages.map((m) => (
            <li
              key={m.seq}
              className={m.userId === state.you?.userId ? "message mine" : "message"}
              data-testid="message"
            >
              <p className="message-meta">
                {m.userId === state.you?.userId ? (
                  <strong>{m.displayName}</strong>
                ) : (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setSelected({ userId: m.userId, displayName: m.displayName })}
                    data-testid="message-author"
                  >
                    <strong>{m.displayName}</strong>
                  </button>
                )}{" "}
                <time className="muted small" dateTime={new Date(m.at).toISOString()}>
                  {new Date(m.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}
                </time>
                {m.userId === state.you?.userId || state.you?.moderator ? (
                  <button
                    type="button"
                    className="link-button small"
                    onClick={() => remove(m.seq)}
                    aria-label={t("rooms.delete")}
                  >
                    ×
                  </button>
                ) : null}
              </p>
              <p className="prewrap message-body">{m.body}</p>
            </li>
          ))}
          {state.pending.map((p) => (
            <li key={p.id} className="message mine pending" data-testid="message-pending">
              <p className="prewrap message-body">{p.body}</p>
            </li>
          ))}
        </ol>
        <p className="muted small typing" data-testid="typing">
          {typers.length
            ? t("rooms.typing", { names: typers.map((x) => x.displayName).join(", ") })
            : "\u00a0"}
        </p>
        {state.error ? (
          <Notice tone="error" testId="room-error">
            {t(`rooms.error.${state.error.code}` as Parameters<typeof t>[0], {
              seconds: state.error.retryAfter ?? 10,
            })}
          </Notice>
        ) : null}
        <form onSubmit={submit} className="composer">
          <label htmlFor="composer" className="visually-hidden">
            {t("rooms.write")}
          </label>
          <textarea
            id="composer"
            rows={2}
            maxLength={MAX_MESSAGE_CHARS}
            value={draft}
            disabled={state.muted || state.readOnly || state.status === "ended"}
            placeholder={
              state.readOnly ? t("rooms.readOnly") : state.muted ? t("rooms.muted") : t("rooms.write")
            }
            onChange={(e) => onType(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) submit(e);
            }}
            data-testid="composer"
          />
          <button
            type="submit"
            className="button"
            disabled={!hydrated || state.muted || state.readOnly || state.status === "ended"}
            data-testid="send"
          >
            {t("rooms.send")}
          </button>
        </form>
      </section>
    </div>
  );
}

/** Someone in the room: their profile, Block / Mute, and Report. */
function PersonPanel({
  person,
  state,
  onClose,
}: {
  person: Person;
  state: PersonState | null;
  onClose: () => void;
}) {
  const t = useT();
  return (
    <section className="card stack" aria-label={person.displayName} data-testid="person-panel">
      <div className="row-actions">
        <strong>{t("person.actions", { name: person.displayName })}</strong>
        <Link to={`/u/${encodeURIComponent(person.userId)}`} className="small">
          {t("person.viewProfile")}
        </Link>
      </div>
      <div className="row-actions">
        <PersonControls
          key={person.userId}
          userId={person.userId}
          blocked={state?.blocked ?? false}
          muted={state?.muted ?? false}
        />
        <ReportButton target="user" id={person.userId} />
        <button type="button" className="button button-ghost button-small" onClick={onClose}>
          {t("person.close")}
        </button>
      </div>
    </section>
  );
}
