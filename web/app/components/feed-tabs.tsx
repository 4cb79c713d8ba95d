import { Form, NavLink } from "react-router";
import { useT } from "~/lib/root-data";

/** The atas-link feeds' header: Discover | Following tabs (RedNote style) and the search box. */
export function FeedTabs() {
  const t = useT();
  return (
    <div className="feed-head">
      <nav aria-label={t("feed.tabs")} className="feed-tabs">
        <NavLink to="/discover" className="feed-tab" data-testid="tab-discover">
          {t("feed.discover")}
        </NavLink>
        <NavLink to="/following" className="feed-tab" data-testid="tab-following">
          {t("feed.following")}
        </NavLink>
      </nav>
      <Form method="get" action="/search" role="search" className="feed-search">
        <label className="visually-hidden" htmlFor="feed-search-q">
          {t("search.label")}
        </label>
        <input
          id="feed-search-q"
          type="search"
          name="q"
          maxLength={200}
          placeholder={t("feed.searchPlaceholder")}
          data-testid="feed-search"
        />
        <button type="submit" className="button button-small">
          {t("search.submit")}
        </button>
      </Form>
    </div>
  );
}
