import { type ReactNode, useEffect, useMemo, useRef, useState } from "react";
import { Link, useFetcher, useLocation } from "react-router";
import type { Note, NotePage } from "~/lib/api-types";
import { useT } from "~/lib/root-data";
import { coverRatio, NoteCard } from "./note-card";

/** Two columns on a phone (and in the server's render); wider screens get more once the page runs. */
const COLUMNS = 2;
const WIDE_COLUMNS: [query: string, columns: number][] = [
  ["(min-width: 900px)", 4],
  ["(min-width: 620px)", 3],
];
/** Title and footer under a cover, as a share of the card's width: enough to balance the columns. */
const TEXT_HEIGHT = 0.38;
/** Covers of the first cards load at once: they are what the page opens on. */
const EAGER_CARDS = 4;

/**
 * Places each note in the shorter column, by the known shape of its cover. Placing is stable for a
 * prefix, so appending a page never moves a card already on screen (CSS columns would reflow them).
 */
export function masonry(notes: Note[], columns = COLUMNS): Note[][] {
  const lists: Note[][] = Array.from({ length: columns }, () => []);
  const heights: number[] = Array.from({ length: columns }, () => 0);
  for (const note of notes) {
    let shortest = 0;
    for (let i = 1; i < columns; i++) if ((heights[i] ?? 0) < (heights[shortest] ?? 0)) shortest = i;
    lists[shortest]?.push(note);
    heights[shortest] = (heights[shortest] ?? 0) + (note.images.length ? coverRatio(note) : 0) + TEXT_HEIGHT;
  }
  return lists;
}

interface NoteGridProps {
  notes: Note[];
  /** Said when there are no notes; nothing is shown when absent. */
  empty?: string;
  /** A per-card menu the page adds (see NoteCard's `menu`). */
  cardMenu?: (note: Note) => ReactNode;
}

/** How many columns fit this screen; 2 until the page is hydrated, so server and client agree. */
function useColumnCount(): number {
  const [count, setCount] = useState(COLUMNS);
  useEffect(() => {
    const queries = WIDE_COLUMNS.map(([query, columns]) => [window.matchMedia(query), columns] as const);
    const pick = () => setCount(queries.find(([query]) => query.matches)?.[1] ?? COLUMNS);
    pick();
    for (const [query] of queries) query.addEventListener("change", pick);
    return () => {
      for (const [query] of queries) query.removeEventListener("change", pick);
    };
  }, []);
  return count;
}

/** A masonry of note cards: two columns on a phone, up to four on a wide screen. */
export function NoteGrid({ notes, empty, cardMenu }: NoteGridProps) {
  const count = useColumnCount();
  const columns = useMemo(() => masonry(notes, count), [notes, count]);
  if (notes.length === 0) return empty ? <p className="muted note-grid-empty">{empty}</p> : null;
  // Cards are numbered by their place in `notes`, so the first ones load eagerly whatever their column.
  const order = new Map(notes.map((note, i) => [note.id, i]));
  return (
    <div
      className="note-grid"
      style={{ gridTemplateColumns: `repeat(${count}, minmax(0, 1fr))` }}
      data-testid="note-grid"
    >
      {columns.map((column, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a column is its position; notes move between columns, not columns
        <div className="note-column" key={i}>
          {column.map((note) => (
            <NoteCard
              key={note.id}
              note={note}
              eager={(order.get(note.id) ?? EAGER_CARDS) < EAGER_CARDS}
              menu={cardMenu?.(note)}
            />
          ))}
        </div>
      ))}
    </div>
  );
}

interface PagedNoteGridProps extends NoteGridProps {
  nextCursor: string | null;
  /**
   * Where the next page comes from: a path whose loader returns `{ notes, nextCursor }` at its top
   * level. By default the current page with `?cursor=`; without JavaScript the button is that link.
   */
  pageHref?: (cursor: string) => string;
  /** Notes the reader dismissed since the page loaded: dropped from the pages already shown. */
  removed?: ReadonlySet<string>;
}

/**
 * A note grid that grows: the next page loads when the "Load more" button comes into view (or is
 * pressed), appended below without moving earlier cards. A new first page (another user, a
 * revalidation) starts the list again.
 */
export function PagedNoteGrid({ notes, nextCursor, pageHref, empty, cardMenu, removed }: PagedNoteGridProps) {
  const t = useT();
  const location = useLocation();
  const fetcher = useFetcher<NotePage>();
  const [pages, setPages] = useState({ first: notes, notes, nextCursor });
  if (pages.first !== notes) setPages({ first: notes, notes, nextCursor });

  const loaded = fetcher.data;
  const seenData = useRef<NotePage | undefined>(undefined);
  useEffect(() => {
    if (!loaded || seenData.current === loaded) return;
    seenData.current = loaded;
    setPages((current) => {
      const known = new Set(current.notes.map((note) => note.id));
      return {
        first: current.first,
        notes: [...current.notes, ...loaded.notes.filter((note) => !known.has(note.id))],
        nextCursor: loaded.nextCursor,
      };
    });
  }, [loaded]);

  const href = (cursor: string) => {
    if (pageHref) return pageHref(cursor);
    const params = new URLSearchParams(location.search);
    params.set("cursor", cursor);
    return `${location.pathname}?${params}`;
  };
  const busy = fetcher.state !== "idle";
  const cursor = pages.nextCursor;
  const more = useRef<HTMLAnchorElement>(null);
  const load = () => {
    if (cursor && fetcher.state === "idle") fetcher.load(href(cursor));
  };
  const loadRef = useRef(load);
  loadRef.current = load;

  // Infinite scroll: the button doubles as the sentinel.
  useEffect(() => {
    const target = more.current;
    if (!target || !cursor || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) loadRef.current();
      },
      { rootMargin: "600px 0px" },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [cursor]);

  return (
    <div className="stack">
      <NoteGrid
        notes={removed?.size ? pages.notes.filter((note) => !removed.has(note.id)) : pages.notes}
        empty={empty}
        cardMenu={cardMenu}
      />
      {cursor ? (
        <p className="center">
          <Link
            ref={more}
            to={href(cursor)}
            className="button button-ghost"
            aria-busy={busy}
            data-testid="load-more"
            onClick={(event) => {
              event.preventDefault();
              load();
            }}
          >
            {busy ? t("notes.loading") : t("notes.loadMore")}
          </Link>
        </p>
      ) : null}
    </div>
  );
}
