import { useFetcher } from "react-router";
import { useT } from "~/lib/root-data";

/**
 * A card's "⋯" menu with "Not interested". The card goes at once (`onDismiss`); the API call runs in
 * the background. Without JavaScript the form posts to /discover, which answers with the feed without it.
 */
export function NotInterestedMenu({
  noteId,
  onDismiss,
}: {
  noteId: string;
  onDismiss: (id: string) => void;
}) {
  const t = useT();
  const fetcher = useFetcher();
  return (
    <details className="note-menu" data-testid="note-menu">
      <summary aria-label={t("feed.noteMenu")} title={t("feed.noteMenu")}>
        <span aria-hidden="true">⋯</span>
      </summary>
      <fetcher.Form
        method="post"
        action="/discover"
        className="note-menu-items"
        onSubmit={() => onDismiss(noteId)}
      >
        <input type="hidden" name="intent" value="not-interested" />
        <input type="hidden" name="noteId" value={noteId} />
        <button type="submit" className="note-menu-item" data-testid="not-interested">
          {t("feed.notInterested")}
        </button>
      </fetcher.Form>
    </details>
  );
}
