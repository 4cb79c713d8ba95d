import { useFetcher } from "react-router";
import { useT } from "~/lib/root-data";

/**
 * Follow / Following for a person, shown at once while the request runs. It posts `intent`
 * (follow | unfollow) and `userId` to the current route's action, which calls /api/follows.
 */
export function FollowButton({ userId, following }: { userId: string; following: boolean }) {
  const t = useT();
  const fetcher = useFetcher();
  const pending = fetcher.formData?.get("intent");
  const shown = pending ? pending === "follow" : following;
  return (
    <fetcher.Form method="post" preventScrollReset>
      <input type="hidden" name="userId" value={userId} />
      <button
        type="submit"
        name="intent"
        value={shown ? "unfollow" : "follow"}
        className={shown ? "button button-small button-ghost" : "button button-small"}
        aria-pressed={shown}
        data-testid="follow"
      >
        {shown ? t("note.following") : t("note.follow")}
      </button>
    </fetcher.Form>
  );
}
