import { data, Form, Link, redirect, useNavigation } from "react-router";
import { FeedTabs } from "~/components/feed-tabs";
import { PagedNoteGrid } from "~/components/note-grid";
import { type TrendingTopic, topicHref } from "~/components/trending-strip";
import { apiCall } from "~/lib/api.server";
import type { Me, NotePage } from "~/lib/api-types";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/following";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "feed.following");

const PAGE_SIZE = 20;
const SUGGESTIONS = 6;

interface Suggestions {
  people: { id: string; displayName: string }[];
  topics: string[];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const cursor = url.searchParams.get("cursor");
  const api = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) api.set("cursor", cursor);
  const page = await apiCall<NotePage>(context, request, `/api/feed/following?${api}`);
  if (page.status === 401) throw redirect("/login?redirectTo=/following", { headers: page.headers });
  if (cursor) {
    // A later page for the scrolling grid: a failure keeps the cursor so "Load more" can retry.
    return {
      notes: page.ok ? page.data.notes : [],
      nextCursor: page.ok ? page.data.nextCursor : cursor,
      suggestions: null,
    };
  }
  if (!page.ok) throw data(page.problem, { status: page.status });
  return {
    ...page.data,
    suggestions: page.data.notes.length ? null : await suggestions(context, request),
  };
}

/**
 * An empty following feed suggests whom to follow: people whose notes the viewer's discover feed
 * shows right now, and the trending topics.
 */
async function suggestions(context: Route.LoaderArgs["context"], request: Request): Promise<Suggestions> {
  const [me, discover, trending, topicFollows] = await Promise.all([
    apiCall<Me>(context, request, "/api/me"),
    apiCall<NotePage>(context, request, "/api/feed/discover?limit=30"),
    apiCall<{ topics: TrendingTopic[] }>(context, request, `/api/topics/trending?limit=${SUGGESTIONS * 2}`),
    apiCall<{ topics: string[] }>(context, request, "/api/topic-follows"),
  ]);
  const self = me.ok ? me.data.account.id : null;
  // Whom the viewer already follows is no suggestion (their notes may simply not have arrived yet).
  const followed = self
    ? await apiCall<{ users: { id: string }[] }>(context, request, `/api/users/${self}/following?limit=100`)
    : null;
  const skip = new Set([self, ...(followed?.ok ? followed.data.users.map((user) => user.id) : [])]);
  const people = new Map<string, { id: string; displayName: string }>();
  for (const note of discover.ok ? discover.data.notes : []) {
    if (!skip.has(note.author.id) && people.size < SUGGESTIONS) people.set(note.author.id, note.author);
  }
  const followedTopics = new Set(topicFollows.ok ? topicFollows.data.topics : []);
  return {
    people: [...people.values()],
    topics: (trending.ok ? trending.data.topics : [])
      .map((trend) => trend.topic)
      .filter((topic) => !followedTopics.has(topic))
      .slice(0, SUGGESTIONS * 2),
  };
}

/** Following a suggested person from the empty state; the feed reloads (their next notes land here). */
export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const id = encodeURIComponent(String(form.get("userId") ?? ""));
  const result = await apiCall(context, request, `/api/follows/${id}`, { method: "PUT" });
  return data({ ok: result.ok }, { status: result.ok ? 200 : result.status, headers: result.headers });
}

export default function Following({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { suggestions } = loaderData;
  return (
    <div className="stack feed-page">
      <h1 className="visually-hidden">{t("feed.following")}</h1>
      <FeedTabs />
      {suggestions ? (
        <FollowSuggestions suggestions={suggestions} />
      ) : (
        <PagedNoteGrid notes={loaderData.notes} nextCursor={loaderData.nextCursor} empty={t("feed.empty")} />
      )}
    </div>
  );
}

function FollowSuggestions({ suggestions }: { suggestions: Suggestions }) {
  const t = useT();
  const busy = useNavigation().state !== "idle";
  return (
    <section className="card stack" data-testid="following-empty">
      <div>
        <h2>{t("feed.followingEmptyTitle")}</h2>
        <p className="muted">{t("feed.followingEmptyLead")}</p>
      </div>
      {suggestions.people.length ? (
        <div>
          <h3>{t("feed.suggestedPeople")}</h3>
          <ul className="plain network-list">
            {suggestions.people.map((person) => (
              <li key={person.id} className="row-actions suggested-person" data-testid="suggested-person">
                <Link to={`/u/${person.id}`}>{person.displayName}</Link>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="userId" value={person.id} />
                  <button type="submit" className="button button-small" disabled={busy}>
                    {t("feed.follow")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {suggestions.topics.length ? (
        <div>
          <h3>{t("feed.suggestedTopics")}</h3>
          <ul className="tags">
            {suggestions.topics.map((topic) => (
              <li key={topic}>
                <Link to={topicHref(topic)} className="tag" data-testid="suggested-topic">
                  #{topic}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>
        <Link to="/discover" className="button button-ghost">
          {t("feed.discover")}
        </Link>
      </p>
    </section>
  );
}
