import { data, Link, type ShouldRevalidateFunctionArgs, useFetcher } from "react-router";
import { PagedNoteGrid } from "~/components/note-grid";
import { topicHref } from "~/components/trending-strip";
import { apiCall } from "~/lib/api.server";
import type { Note } from "~/lib/api-types";
import { useRootData, useT } from "~/lib/root-data";
import type { Route } from "./+types/topic";

interface TopicPage {
  topic: string;
  following: boolean;
  notes: Note[];
  nextCursor: string | null;
}

export const meta: Route.MetaFunction = ({ data: page, params }) => [
  { title: `#${page && "topic" in page ? page.topic : params.topic} · ATAS` },
];

const PAGE_SIZE = 20;

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const cursor = new URL(request.url).searchParams.get("cursor");
  const api = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) api.set("cursor", cursor);
  const page = await apiCall<TopicPage>(
    context,
    request,
    `/api/topics/${encodeURIComponent(params.topic)}/notes?${api}`,
  );
  if (cursor) {
    // A later page for the scrolling grid: a failure keeps the cursor so "Load more" can retry.
    return { notes: page.ok ? page.data.notes : [], nextCursor: page.ok ? page.data.nextCursor : cursor };
  }
  // A topic the API cannot take (too long, nothing left after normalising) has no page.
  if (page.status === 400 || page.status === 404) throw data(null, { status: 404 });
  if (!page.ok) throw data(page.problem, { status: page.status });
  return page.data;
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const form = await request.formData();
  const follow = form.get("intent") === "follow";
  const result = await apiCall<{ topic: string; following: boolean }>(
    context,
    request,
    `/api/topic-follows/${encodeURIComponent(params.topic)}`,
    { method: follow ? "PUT" : "DELETE" },
  );
  if (!result.ok) throw data(result.problem, { status: result.status });
  return data(result.data, { headers: result.headers });
}

/** Following the topic changes only the button; reloading the notes would lose the reader's place. */
export function shouldRevalidate({ formMethod, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (formMethod?.toUpperCase() === "POST") return false;
  return defaultShouldRevalidate;
}

export default function Topic({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const account = useRootData()?.account;
  const fetcher = useFetcher<typeof action>();
  // A page opened at a later cursor (no JavaScript) has no header data; the topic comes from its URL.
  const page = "topic" in loaderData ? loaderData : null;
  const topic = page?.topic ?? "";
  const pending = fetcher.formData ? fetcher.formData.get("intent") === "follow" : undefined;
  const following = pending ?? fetcher.data?.following ?? page?.following ?? false;
  return (
    <div className="stack feed-page">
      {page ? (
        <section className="card topic-head">
          <div>
            <h1 data-testid="topic-title">#{topic}</h1>
            {following ? <p className="muted small">{t("topic.following")}</p> : null}
          </div>
          {account ? (
            <fetcher.Form method="post">
              <input type="hidden" name="intent" value={following ? "unfollow" : "follow"} />
              <button
                type="submit"
                className={following ? "button button-ghost" : "button"}
                aria-pressed={following}
                data-testid="topic-follow"
              >
                {following ? t("topic.unfollow") : t("topic.follow")}
              </button>
            </fetcher.Form>
          ) : (
            <Link
              to={`/login?redirectTo=${encodeURIComponent(topicHref(topic))}`}
              className="button button-ghost"
            >
              {t("topic.loginToFollow")}
            </Link>
          )}
        </section>
      ) : null}
      <PagedNoteGrid
        notes={loaderData.notes}
        nextCursor={loaderData.nextCursor}
        empty={t("topic.empty", { topic })}
      />
    </div>
  );
}
