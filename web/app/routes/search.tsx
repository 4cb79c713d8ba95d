import { type MouseEvent, useEffect, useState } from "react";
import { data, Form, Link, useFetcher, useNavigation } from "react-router";
import { Notice } from "~/components/notice";
import { Highlighted, unhighlighted } from "~/components/snippet";
import { topicHref } from "~/components/trending-strip";
import { apiCall } from "~/lib/api.server";
import type { Note, Problem, Role } from "~/lib/api-types";
import { problemMessage } from "~/lib/forms";
import type { MessageKey } from "~/lib/i18n";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/search";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "search.title");

const TYPES = ["notes", "users", "topics"] as const;
type SearchType = (typeof TYPES)[number];

interface NoteHit {
  note: Note;
  /** Title and body with each match wrapped in U+E000 … U+E001 (plain text, never HTML). */
  highlight: { title: string; body: string };
}
interface UserHit {
  id: string;
  displayName: string;
  role: Role;
  campusId: string | null;
  highlight: string;
}
interface TopicHit {
  topic: string;
  notes: number;
}
type Results =
  | { type: "notes"; hits: NoteHit[]; nextCursor: string | null }
  | { type: "users"; hits: UserHit[]; nextCursor: null }
  | { type: "topics"; hits: TopicHit[]; nextCursor: null };

export async function loader({ request, context }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").trim();
  const asked = url.searchParams.get("type");
  const type: SearchType = TYPES.find((t) => t === asked) ?? "notes";
  const cursor = url.searchParams.get("cursor");
  if (!q) return { q, type, cursor, results: null, problem: null };

  const api = new URLSearchParams({ q });
  if (cursor && type === "notes") api.set("cursor", cursor);
  const result = await apiCall<{ results: unknown[]; nextCursor?: string | null }>(
    context,
    request,
    `/api/search/${type}?${api}`,
  );
  // A query the API refuses (too long, nothing searchable) is said on the page, not as an error page.
  if (!result.ok && result.status !== 400) throw data(result.problem, { status: result.status });
  const problem: Problem | null = result.ok ? null : result.problem;
  const results = {
    type,
    hits: result.ok ? result.data.results : [],
    nextCursor: result.ok ? (result.data.nextCursor ?? null) : null,
  } as Results;
  return { q, type, cursor, results, problem };
}

const searchHref = (q: string, type: SearchType, cursor?: string) =>
  `/search?${new URLSearchParams(cursor ? { q, type, cursor } : { q, type })}`;

export default function Search({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { q, type, results, problem } = loaderData;
  const searching = useNavigation().state === "loading";
  return (
    <div className="stack">
      <section className="card">
        <h1>{t("search.title")}</h1>
        <Form method="get" role="search" className="search-bar">
          <input type="hidden" name="type" value={type} />
          <label className="visually-hidden" htmlFor="search-q">
            {t("search.label")}
          </label>
          <input
            id="search-q"
            className="search-input"
            type="search"
            name="q"
            defaultValue={q}
            maxLength={200}
            placeholder={t("feed.searchPlaceholder")}
            data-testid="search-input"
          />
          <button type="submit" className="button" disabled={searching}>
            {t("search.submit")}
          </button>
        </Form>
        <nav aria-label={t("search.types")} className="tabs search-tabs">
          {TYPES.map((option) => (
            <Link
              key={option}
              to={searchHref(q, option)}
              className={option === type ? "tab active" : "tab"}
              aria-current={option === type ? "page" : undefined}
              data-testid={`search-tab-${option}`}
            >
              {t(`search.${option}` as MessageKey)}
            </Link>
          ))}
        </nav>
        {problem ? <Notice tone="error">{problemMessage(problem, t)}</Notice> : null}
      </section>
      {q ? null : <p className="muted">{t("search.prompt")}</p>}
      {results ? (
        <section aria-label={t("search.results")} aria-busy={searching}>
          {results.hits.length === 0 && !problem ? (
            <p className="card muted" data-testid="search-empty">
              {t("search.empty", { q })}
            </p>
          ) : null}
          {results.type === "notes" ? (
            <NoteHits
              key={`${q} ${loaderData.cursor ?? ""}`}
              q={q}
              hits={results.hits}
              nextCursor={results.nextCursor}
            />
          ) : null}
          {results.type === "users" ? <UserHits hits={results.hits} /> : null}
          {results.type === "topics" ? <TopicHits hits={results.hits} /> : null}
        </section>
      ) : null}
    </div>
  );
}

/** Note hits with their highlighted title and body; "Load more" appends the next page (once per note). */
function NoteHits({ q, hits, nextCursor }: { q: string; hits: NoteHit[]; nextCursor: string | null }) {
  const t = useT();
  const fetcher = useFetcher<typeof loader>();
  const [more, setMore] = useState<{ hits: NoteHit[]; nextCursor: string | null }>({ hits: [], nextCursor });
  useEffect(() => {
    const page = fetcher.data?.results;
    if (page?.type !== "notes") return;
    setMore((previous) => {
      const shown = new Set([...hits, ...previous.hits].map((hit) => hit.note.id));
      return {
        hits: [...previous.hits, ...page.hits.filter((hit) => !shown.has(hit.note.id))],
        nextCursor: page.nextCursor,
      };
    });
  }, [fetcher.data, hits]);
  const all = [...hits, ...more.hits];
  const loadMore = (event: MouseEvent<HTMLAnchorElement>) => {
    if (!more.nextCursor) return;
    event.preventDefault();
    if (fetcher.state === "idle") fetcher.load(searchHref(q, "notes", more.nextCursor));
  };
  return (
    <>
      <ul className="plain search-hits" data-testid="search-results">
        {all.map(({ note, highlight }) => {
          const cover = note.images[0];
          return (
            <li key={note.id} className="card search-hit" data-testid="search-hit">
              <Link to={`/notes/${note.id}`} className="search-hit-link">
                {cover ? (
                  <img
                    className="search-hit-cover"
                    src={cover.displayUrl}
                    alt=""
                    loading="lazy"
                    decoding="async"
                  />
                ) : null}
                <span className="search-hit-text">
                  <strong className="search-hit-title">
                    <Highlighted text={highlight.title || note.title} />
                  </strong>
                  {highlight.body ? (
                    <span className="search-hit-body" data-testid="search-hit-body">
                      <Highlighted text={highlight.body} />
                    </span>
                  ) : null}
                </span>
              </Link>
              <p className="muted small">
                <Link to={`/u/${note.author.id}`}>{t("search.by", { name: note.author.displayName })}</Link>
              </p>
            </li>
          );
        })}
      </ul>
      {more.nextCursor ? (
        <p className="actions center">
          <Link
            to={searchHref(q, "notes", more.nextCursor)}
            onClick={loadMore}
            className="button button-ghost"
            aria-disabled={fetcher.state !== "idle"}
            data-testid="load-more"
          >
            {fetcher.state !== "idle" ? t("feed.loading") : t("feed.more")}
          </Link>
        </p>
      ) : null}
    </>
  );
}

function UserHits({ hits }: { hits: UserHit[] }) {
  const t = useT();
  return (
    <ul className="plain search-hits" data-testid="search-results">
      {hits.map((user) => {
        // The highlight is the name when the name matched, else the bio's best passage.
        const nameMatched = unhighlighted(user.highlight) === user.displayName;
        return (
          <li key={user.id} className="card search-hit" data-testid="search-hit">
            <Link to={`/u/${user.id}`} className="search-hit-title">
              {nameMatched ? <Highlighted text={user.highlight} /> : user.displayName}
            </Link>
            {nameMatched ? null : (
              <p className="search-hit-body">
                <Highlighted text={user.highlight} />
              </p>
            )}
            <p className="muted small">
              <span className="badge badge-muted">{t(`role.${user.role}` as MessageKey)}</span>
            </p>
          </li>
        );
      })}
    </ul>
  );
}

function TopicHits({ hits }: { hits: TopicHit[] }) {
  const t = useT();
  return (
    <ul className="plain search-hits" data-testid="search-results">
      {hits.map((hit) => (
        <li key={hit.topic} className="card search-hit row-actions" data-testid="search-hit">
          <Link to={topicHref(hit.topic)} className="search-hit-title">
            #{hit.topic}
          </Link>
          <span className="chip">{t("search.topicNotes", { n: hit.notes })}</span>
        </li>
      ))}
    </ul>
  );
}
