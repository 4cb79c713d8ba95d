import { type MouseEvent, useEffect, useState } from "react";
import { data, Form, Link, useFetcher, useNavigation } from "react-router";
import { Avatar } from "~/components/avatar";
import { SelectField, TextField } from "~/components/field";
import { NetworkExperts } from "~/components/network-experts";
import { Notice } from "~/components/notice";
import { Snippet } from "~/components/snippet";
import { apiCall } from "~/lib/api.server";
import type { Campus, ExpertCard, ExpertPage, NetworkExpert } from "~/lib/api-types";
import { fieldErrors, problemMessage } from "~/lib/forms";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/experts";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "experts.title");

/** The URL is the search's whole state: these parameters, and `cursor` for a later page. */
const FILTERS = [
  "q",
  "industry",
  "skills",
  "topics",
  "campus",
  "accepting",
  "availableFrom",
  "availableTo",
  "includeUnverified",
] as const;
type Filter = (typeof FILTERS)[number];
const PAGE_SIZE = 12;

export async function loader({ request, context }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const query: Partial<Record<Filter, string>> = {};
  for (const name of FILTERS) {
    const value = url.searchParams.get(name)?.trim();
    if (value) query[name] = value;
  }
  // A checkbox: present means "only accepting"; anything else is no filter.
  if (query.accepting !== "true") delete query.accepting;
  if (query.includeUnverified !== "true") delete query.includeUnverified;
  const cursor = url.searchParams.get("cursor") ?? "";
  const api = new URLSearchParams(query);
  api.set("limit", String(PAGE_SIZE));
  if (cursor) api.set("cursor", cursor);

  const [page, campuses, network] = await Promise.all([
    apiCall<ExpertPage>(context, request, `/api/experts?${api}`),
    apiCall<{ campuses: Campus[] }>(context, request, "/api/campuses"),
    // Signed in: experts reachable through the viewer's connections (401 for visitors, who see none).
    cursor ? null : apiCall<{ experts: NetworkExpert[] }>(context, request, "/api/network/experts?limit=6"),
  ]);
  // A filter the API refuses (half a date range, a stale cursor) is shown on the form, not as an error page.
  if (!page.ok && page.status !== 400) throw data(page.problem, { status: page.status });
  return {
    query,
    cursor,
    experts: page.ok ? page.data.experts : [],
    nextCursor: page.ok ? page.data.nextCursor : null,
    problem: page.ok ? null : page.problem,
    campuses: campuses.ok ? campuses.data.campuses : [],
    network: network?.ok ? network.data.experts : [],
  };
}

function moreHref(query: Partial<Record<Filter, string>>, cursor: string) {
  return `/experts?${new URLSearchParams({ ...query, cursor })}`;
}

export default function Experts({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { query, cursor, problem, campuses } = loaderData;
  const searching = useNavigation().state === "loading";
  const fetcher = useFetcher<typeof loader>();
  // With JavaScript, "Load more" appends the next page here instead of navigating to it.
  const [more, setMore] = useState<{ experts: ExpertCard[]; nextCursor: string | null }>({
    experts: [],
    nextCursor: loaderData.nextCursor,
  });
  useEffect(() => {
    setMore({ experts: [], nextCursor: loaderData.nextCursor });
  }, [loaderData]);
  useEffect(() => {
    const page = fetcher.data;
    if (!page) return;
    setMore((previous) => {
      const shown = new Set(previous.experts.map((expert) => expert.id));
      return {
        experts: [...previous.experts, ...page.experts.filter((expert) => !shown.has(expert.id))],
        nextCursor: page.nextCursor,
      };
    });
  }, [fetcher.data]);

  const experts = [...loaderData.experts, ...more.experts];
  const campusName = new Map(campuses.map((campus) => [campus.id, campus.name]));
  const errors = fieldErrors(problem ?? undefined);
  const filtered = FILTERS.some((name) => name !== "q" && query[name]);

  function loadMore(event: MouseEvent<HTMLAnchorElement>) {
    if (!more.nextCursor) return;
    event.preventDefault();
    fetcher.load(moreHref(query, more.nextCursor));
  }

  return (
    <div className="stack">
      <section className="card">
        <h1>{t("experts.title")}</h1>
        <p className="muted">{t("experts.lead")}</p>
        <Form method="get" role="search" className="form search-form">
          <div className="search-row">
            <TextField
              label={t("experts.search")}
              name="q"
              type="search"
              placeholder={t("experts.searchPlaceholder")}
              defaultValue={query.q ?? ""}
              maxLength={200}
              error={errors.q}
              data-testid="expert-search"
            />
            <button type="submit" className="button" disabled={searching}>
              {t("experts.submit")}
            </button>
          </div>
          <details className="filters" open={filtered || Object.keys(errors).length > 0}>
            <summary>{t("experts.filters")}</summary>
            <div className="filter-grid">
              <TextField
                label={t("experts.industry")}
                name="industry"
                defaultValue={query.industry ?? ""}
                maxLength={60}
                error={errors.industry}
              />
              <SelectField
                label={t("experts.campus")}
                name="campus"
                defaultValue={query.campus ?? ""}
                error={errors.campus}
              >
                <option value="">{t("experts.anyCampus")}</option>
                {campuses.map((campus) => (
                  <option key={campus.id} value={campus.id}>
                    {campus.name}
                  </option>
                ))}
              </SelectField>
              <TextField
                label={t("experts.skills")}
                name="skills"
                hint={t("experts.listHint")}
                defaultValue={query.skills ?? ""}
                maxLength={400}
                error={errors.skills}
              />
              <TextField
                label={t("experts.topics")}
                name="topics"
                hint={t("experts.listHint")}
                defaultValue={query.topics ?? ""}
                maxLength={400}
                error={errors.topics}
              />
              <TextField
                label={t("experts.availableFrom")}
                name="availableFrom"
                type="date"
                defaultValue={query.availableFrom ?? ""}
                hint={t("experts.availableHint")}
                error={errors.availableFrom}
              />
              <TextField
                label={t("experts.availableTo")}
                name="availableTo"
                type="date"
                defaultValue={query.availableTo ?? ""}
                error={errors.availableTo}
              />
              <label className="checkbox">
                <input
                  type="checkbox"
                  name="accepting"
                  value="true"
                  defaultChecked={query.accepting === "true"}
                />
                {t("experts.accepting")}
              </label>
              <label className="checkbox">
                <input
                  type="checkbox"
                  name="includeUnverified"
                  value="true"
                  defaultChecked={query.includeUnverified === "true"}
                />
                {t("experts.includeUnverified")}
              </label>
            </div>
            <div className="actions">
              <button type="submit" className="button button-small">
                {t("experts.submit")}
              </button>
              <Link to="/experts" className="button button-small button-ghost">
                {t("experts.reset")}
              </Link>
            </div>
          </details>
        </Form>
        {problem ? <Notice tone="error">{problemMessage(problem, t)}</Notice> : null}
      </section>

      {query.q || filtered ? null : <NetworkExperts experts={loaderData.network} />}

      <section aria-label={t("experts.results")} aria-busy={searching || fetcher.state !== "idle"}>
        {experts.length === 0 && !problem ? <p className="card muted">{t("experts.empty")}</p> : null}
        <ul className="expert-list" data-testid="expert-results">
          {experts.map((expert) => (
            <ExpertCardItem key={expert.id} expert={expert} campusName={campusName} />
          ))}
        </ul>
        <div className="actions center">
          {cursor ? (
            <Link to={`/experts?${new URLSearchParams(query)}`} className="button button-ghost">
              {t("experts.firstPage")}
            </Link>
          ) : null}
          {more.nextCursor ? (
            <Link
              to={moreHref(query, more.nextCursor)}
              onClick={loadMore}
              className="button button-ghost"
              data-testid="load-more"
              aria-disabled={fetcher.state !== "idle"}
            >
              {fetcher.state !== "idle" ? t("experts.loading") : t("experts.loadMore")}
            </Link>
          ) : null}
        </div>
      </section>
    </div>
  );
}

function ExpertCardItem({ expert, campusName }: { expert: ExpertCard; campusName: Map<string, string> }) {
  const t = useT();
  const chips = [...new Set([...expert.skills, ...expert.topics])];
  return (
    <li className="card expert-card" data-testid="expert-card">
      <div className="expert-card-head">
        <Avatar
          name={expert.displayName}
          url={expert.avatarUrl}
          alt={t("profile.avatarAlt", { name: expert.displayName })}
          size="small"
        />
        <div>
          <h2 className="expert-name">
            <Link to={`/experts/${expert.id}`}>{expert.displayName}</Link>
          </h2>
          <p className="muted small">
            {[expert.headline, expert.company].filter(Boolean).join(" · ") || t("profile.none")}
          </p>
        </div>
      </div>
      <p className="profile-meta">
        {expert.industry ? <span className="badge">{expert.industry}</span> : null}
        {expert.verified ? null : (
          <span className="badge badge-muted" data-testid="expert-unverified">
            {t("expert.unverified")}
          </span>
        )}
        {expert.acceptingInvitations ? (
          <span className="badge badge-verified">{t("profile.accepting")}</span>
        ) : (
          <span className="badge badge-muted">{t("profile.notAccepting")}</span>
        )}
        {expert.campusTies.map((id) => (
          <span key={id} className="badge badge-muted">
            {campusName.get(id) ?? id}
          </span>
        ))}
      </p>
      {expert.snippet ? <Snippet text={expert.snippet} label={t("experts.matched")} /> : null}
      {chips.length ? (
        <ul className="tags">
          {chips.map((chip) => (
            <li key={chip} className="tag">
              {chip}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
