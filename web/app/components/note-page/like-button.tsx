import { useFetcher } from "react-router";
import { HeartIcon } from "~/components/note-card";
import type { NoteActionResult } from "~/lib/note-action";
import { useT } from "~/lib/root-data";

/** Optimistic: the heart fills and the count moves as soon as it is pressed; the API's answer then revalidates. */
export function LikeButton({ liked, likes }: { liked: boolean; likes: number }) {
  const t = useT();
  const fetcher = useFetcher<NoteActionResult>();
  const pending = fetcher.formData?.get("intent");
  const shown = pending ? pending === "like" : liked;
  const count = likes + (shown === liked ? 0 : shown ? 1 : -1);
  return (
    <fetcher.Form method="post" preventScrollReset>
      <button
        type="submit"
        name="intent"
        value={shown ? "unlike" : "like"}
        className="button button-ghost like-button"
        aria-pressed={shown}
        aria-label={t("note.likeButton", { n: count })}
        data-testid="like"
      >
        <HeartIcon filled={shown} />
        <span aria-hidden="true">{shown ? t("note.liked") : t("note.like")}</span>
        <span className="tab-count" aria-hidden="true" data-testid="like-count">
          {count}
        </span>
      </button>
    </fetcher.Form>
  );
}
