import { useState } from "react";
import { data, type ShouldRevalidateFunctionArgs } from "react-router";
import { FeedTabs } from "~/components/feed-tabs";
import { NotInterestedMenu } from "~/components/not-interested";
import { PagedNoteGrid } from "~/components/note-grid";
import { TrendingStrip, type TrendingTopic } from "~/components/trending-strip";
import { apiCall } from "~/lib/api.server";
import type { Me, NotePage } from "~/lib/api-types";
import { pageMeta, useRootData, useT } from "~/lib/root-data";
import type { Route } from "./+types/discover";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "feed.discover");

const PAGE_SIZE = 20;
const TRENDING = 10;

export async function loader({ request, context }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const cursor = url.searchParams.get("cursor");
  const api = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) api.set("cursor", cursor);
  const feed = apiCall<NotePage>(context, request, `/api/feed/discover?${api}`);
  if (cursor) {
    // A later page, loaded by the grid as the reader scrolls: a failure keeps the cursor, so the
    // "Load more" button can try again instead of replacing the page with an error.
    const page = await feed;
    return { notes: page.ok ? page.data.notes : [], nextCursor: page.ok ? page.data.nextCursor : cursor };
  }
  const trending = (campus?: string) =>
    apiCall<{ topics: TrendingTopic[] }>(
      context,
      request,
      `/api/topics/trending?${new URLSearchParams(campus ? { campus, limit: String(TRENDING) } : { limit: String(TRENDING) })}`,
    ).then((result) => (result.ok ? result.data.topics : []));
  const [page, overall, campus] = await Promise.all([
    feed,
    trending(),
    // The campus toggle needs the viewer's proven campus (a typed one is no membership); others get no toggle.
    apiCall<Me>(context, request, "/api/me").then((me) =>
      me.ok && me.data.account.campusVerified && me.data.account.campusId
        ? trending(me.data.account.campusId)
        : null,
    ),
  ]);
  if (!page.ok) throw data(page.problem, { status: page.status });
  return {
    ...page.data,
    trending: {
      overall,
      campus,
      initial: url.searchParams.get("trending") === "campus" ? "campus" : "overall",
    },
  } as const;
}

/** "Not interested": the API drops the note from this viewer's feed and down-weights its author and topics. */
export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  if (form.get("intent") !== "not-interested") throw data(null, { status: 400 });
  const id = encodeURIComponent(String(form.get("noteId") ?? ""));
  const result = await apiCall(context, request, `/api/notes/${id}/not-interested`, { method: "POST" });
  return data({ ok: result.ok }, { status: result.ok ? 200 : result.status, headers: result.headers });
}

/** The card already left the page; reloading the feed would only move the reader's place. */
export function shouldRevalidate({ formData, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (formData?.get("intent") === "not-interested") return false;
  return defaultShouldRevalidate;
}

export default function Discover({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const signedIn = Boolean(useRootData()?.account);
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set());
  const dismiss = (id: string) => setRemoved((previous) => new Set(previous).add(id));
  const trending = "trending" in loaderData ? loaderData.trending : null;
  return (
    <div className="stack feed-page">
      <h1 className="visually-hidden">{t("feed.discover")}</h1>
      <FeedTabs />
      {trending ? (
        <TrendingStrip overall={trending.overall} campus={trending.campus} initial={trending.initial} />
      ) : null}
      <PagedNoteGrid
        notes={loaderData.notes}
        nextCursor={loaderData.nextCursor}
        empty={t("feed.empty")}
        removed={removed}
        // Visitors see public notes; "Not interested" shapes a feed, so it needs an account.
        cardMenu={signedIn ? (note) => <NotInterestedMenu noteId={note.id} onDismiss={dismiss} /> : undefined}
      />
      <p className="visually-hidden" aria-live="polite">
        {removed.size ? t("feed.notInterestedDone") : ""}
      </p>
    </div>
  );
}
