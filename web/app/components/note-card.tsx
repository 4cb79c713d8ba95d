import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Note } from "~/lib/api-types";
import { useT } from "~/lib/root-data";

/** Covers keep their own shape within these bounds (height / width), so a very tall or wide photo cannot dominate a column. */
export const COVER_RATIO_MIN = 3 / 4;
export const COVER_RATIO_MAX = 4 / 3;

/** Height per unit of width the cover takes; a note without a known size gets a square. */
export function coverRatio(note: Note): number {
  const image = note.images[0];
  if (!image?.width || !image.height) return 1;
  return Math.min(COVER_RATIO_MAX, Math.max(COVER_RATIO_MIN, image.height / image.width));
}

interface NoteCardProps {
  note: Note;
  /** Covers of the first cards on a page load at once; the rest wait until they come near. */
  eager?: boolean;
  /** Actions a page adds to the card, such as discover's "Not interested" menu. */
  menu?: ReactNode;
}

/** One note in a grid: cover, title, author and likes. The cover and title open the note. */
export function NoteCard({ note, eager = false, menu }: NoteCardProps) {
  const t = useT();
  const cover = note.images[0];
  const ratio = coverRatio(note);
  return (
    <article className="note-card" data-testid="note-card" data-note-id={note.id}>
      <Link to={`/notes/${note.id}`} className="note-card-link">
        {cover ? (
          <img
            className="note-card-cover"
            src={cover.displayUrl}
            alt=""
            width={480}
            height={Math.round(480 * ratio)}
            style={{ aspectRatio: `1 / ${ratio}` }}
            loading={eager ? "eager" : "lazy"}
            decoding="async"
          />
        ) : null}
        <h3 className="note-card-title">{note.title}</h3>
      </Link>
      <footer className="note-card-foot">
        <Link to={`/u/${note.author.id}`} className="note-card-author">
          {note.author.displayName}
        </Link>
        {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: kept as is in the lint change (no behaviour change); role="img" would make readers announce the label */}
        <span
          className={note.viewer.liked ? "note-card-likes liked" : "note-card-likes"}
          aria-label={t("note.likesLabel", { n: note.counts.likes })}
        >
          <HeartIcon filled={note.viewer.liked} />
          <span aria-hidden="true">{note.counts.likes}</span>
        </span>
      </footer>
      {note.hidden ? <p className="chip note-card-hidden">{t("note.hiddenBadge")}</p> : null}
      {menu}
    </article>
  );
}

/** An outline icon from one path, filled when on (liked, collected). */
export function ToggleIcon({ filled, path }: { filled: boolean; path: string }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path
        fill={filled ? "currentColor" : "none"}
        stroke="currentColor"
        strokeWidth="2"
        strokeLinejoin="round"
        d={path}
      />
    </svg>
  );
}

export function HeartIcon({ filled }: { filled: boolean }) {
  return (
    <ToggleIcon
      filled={filled}
      path="M12 20.5s-7.5-4.6-9.3-9.4C1.5 7.7 3.7 4.5 7 4.5c2 0 3.6 1.1 5 3 1.4-1.9 3-3 5-3 3.3 0 5.5 3.2 4.3 6.6-1.8 4.8-9.3 9.4-9.3 9.4Z"
    />
  );
}
