import type { Review } from "~/lib/api-types";
import { useT } from "~/lib/root-data";

/** The reviews left once the session took place. */
export function Reviews({ reviews }: { reviews: Review[] }) {
  const t = useT();
  if (!reviews.length) return null;
  return (
    <section className="card" aria-labelledby="reviews-title">
      <h2 id="reviews-title">{t("invitation.reviews")}</h2>
      <ul className="plain reviews">
        {reviews.map((review) => (
          <li key={review.authorId} className="review">
            <p className="stars" role="img" aria-label={t("expert.stars", { n: review.rating })}>
              {"★".repeat(review.rating)}
              <span className="stars-off">{"★".repeat(5 - review.rating)}</span>
            </p>
            {review.body ? <p className="review-body">{review.body}</p> : null}
            <p className="muted small">{review.authorName}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
