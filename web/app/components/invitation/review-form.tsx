import { Form } from "react-router";
import { TextAreaField } from "~/components/field";
import type { FieldErrors } from "~/lib/forms";
import { useT } from "~/lib/root-data";
import { useIntentBusy } from "~/lib/use-intent-busy";

/** Stars and a few words once the session took place. */
export function ReviewForm({ errors }: { errors: FieldErrors }) {
  const t = useT();
  const busy = useIntentBusy("review");
  return (
    <section className="card" aria-labelledby="review-title">
      <h2 id="review-title">{t("invitation.review")}</h2>
      <Form method="post" className="form" data-testid="review-form">
        <input type="hidden" name="intent" value="review" />
        <fieldset className={errors.rating ? "has-error" : undefined}>
          <legend>{t("invitation.rating")}</legend>
          <div className="rating">
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} className="choice">
                <input type="radio" name="rating" value={n} required />
                <span aria-hidden="true">{"★".repeat(n)}</span>
                <span className="visually-hidden">{t("expert.stars", { n })}</span>
              </label>
            ))}
          </div>
          {errors.rating ? <p className="field-error">{errors.rating}</p> : null}
        </fieldset>
        <TextAreaField
          label={t("invitation.reviewBody")}
          name="body"
          rows={3}
          maxLength={2000}
          error={errors.body}
        />
        <div>
          <button type="submit" className="button" disabled={busy}>
            {t("invitation.submitReview")}
          </button>
        </div>
      </Form>
    </section>
  );
}
