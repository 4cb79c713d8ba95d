import { Link } from "react-router";
import { useT } from "~/lib/root-data";

/** "Ask this expert": the invitation form, prefilled from the note (a plain link, so it works without JavaScript). */
export function AskExpert({ expertId, noteId, label }: { expertId: string; noteId: string; label?: string }) {
  const t = useT();
  return (
    <Link
      to={`/experts/${expertId}/invite?note=${encodeURIComponent(noteId)}`}
      className="button"
      data-testid="ask-expert"
    >
      {label ?? t("ask.button")}
    </Link>
  );
}
