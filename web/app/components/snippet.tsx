import { Fragment, type ReactNode } from "react";

/** Where the API marks a match: U+E000 starts it, U+E001 ends it (private-use characters, never HTML). */
const START = "\uE000";
const END = "\uE001";
const MARKERS = /([\uE000\uE001])/;

/** The highlighted text without its markers: what it says. */
export const unhighlighted = (text: string) => text.replace(/[\uE000\uE001]/g, "");

/**
 * A search snippet whose matches the API wrapped in U+E000 … U+E001. Everything else is plain text: the
 * markers are split off and matches become <mark> elements, so a "<mark>" or "<b>" a user typed stays
 * text and nothing is ever parsed as HTML.
 */
export function Snippet({ text, label }: { text: string; label: string }) {
  return (
    <p className="snippet" data-testid="expert-snippet">
      <span className="visually-hidden">{label}: </span>
      <Highlighted text={text} />
    </p>
  );
}

/** The same highlighted text inline, for a title or a name inside a link or heading. */
export function Highlighted({ text }: { text: string }) {
  const parts: ReactNode[] = [];
  let marked = false;
  for (const [index, piece] of text.split(MARKERS).entries()) {
    if (piece === START) marked = true;
    else if (piece === END) marked = false;
    else if (piece)
      parts.push(marked ? <mark key={index}>{piece}</mark> : <Fragment key={index}>{piece}</Fragment>);
  }
  return <>{parts}</>;
}
