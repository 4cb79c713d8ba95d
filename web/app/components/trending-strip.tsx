import { type MouseEvent, useState } from "react";
import { Link } from "react-router";
import { useT } from "~/lib/root-data";

export interface TrendingTopic {
  topic: string;
  score: number;
}

export const topicHref = (topic: string) => `/topics/${encodeURIComponent(topic)}`;

/**
 * Trending #topics as a row of chips, everywhere or on the viewer's campus. Both lists come with the
 * page, so the toggle is instant; without JavaScript the toggle's links load the page with that scope.
 */
export function TrendingStrip({
  overall,
  campus,
  initial,
}: {
  overall: TrendingTopic[];
  /** Null when the viewer has no campus (or is signed out): then there is no toggle. */
  campus: TrendingTopic[] | null;
  initial: "overall" | "campus";
}) {
  const t = useT();
  const [scope, setScope] = useState<"overall" | "campus">(campus ? initial : "overall");
  const topics = scope === "campus" && campus ? campus : overall;
  const pick = (next: "overall" | "campus") => (event: MouseEvent) => {
    event.preventDefault();
    setScope(next);
  };
  return (
    <section className="trending" aria-labelledby="trending-title" data-testid="trending">
      <div className="trending-head">
        <h2 id="trending-title">{t("trending.title")}</h2>
        {campus ? (
          <div className="trending-scope">
            {(["overall", "campus"] as const).map((option) => (
              <Link
                key={option}
                to={`?trending=${option}`}
                onClick={pick(option)}
                className={scope === option ? "chip chip-on" : "chip"}
                aria-current={scope === option ? "true" : undefined}
                data-testid={`trending-${option}`}
                preventScrollReset
              >
                {t(option === "campus" ? "trending.campus" : "trending.overall")}
              </Link>
            ))}
          </div>
        ) : null}
      </div>
      {topics.length ? (
        <ul className="trending-list">
          {topics.map(({ topic }) => (
            <li key={topic}>
              <Link to={topicHref(topic)} className="tag trending-topic" data-testid="trending-topic">
                #{topic}
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">{t("trending.empty")}</p>
      )}
    </section>
  );
}
