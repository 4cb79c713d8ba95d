import { Fragment, type ReactNode } from "react";

const MARKERS = /(<mark>|<\/mark>)/;

/**
 * A search snippet whose matches the API wrapped in <mark>…</mark>. Everything else is plain text: the
 * markers are split off and become React elements, so nothing in the text is ever parsed as HTML.
 */
export function Snippet({ text, label }: { text: string; label: string }) {
  const parts: ReactNode[] = [];
  let marked = false;
  for (const [index, piece] of text.split(MARKERS).entries()) {
    if (piece === "<mark>") marked = true;
    else if (piece === "</mark>") marked = false;
    else if (piece)
      parts.push(marked ? <mark key={index}>{piece}</mark> : <Fragment key={index}>{piece}</Fragment>);
  }
  return (
    <p className="snippet" data-testid="expert-snippet">
      <span className="visually-hidden">{label}: </span>
      {parts}
    </p>
  );
}
