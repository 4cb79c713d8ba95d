import { Link } from "react-router";
import type { Note } from "~/lib/api-types";
import { notePieces } from "~/lib/note-text";

/**
 * A note's text as the author wrote it: plain text (line breaks kept by CSS), with #topics linking
 * to their topic page and @mentions to the person. Every piece is a text child, never HTML.
 */
export function NoteBody({ note }: { note: Pick<Note, "body" | "mentions"> }) {
  return (
    <p className="note-body" data-testid="note-body">
      {notePieces(note.body, note.mentions).map((piece, i) => {
        const key = `${i}:${piece.text}`;
        if (piece.kind === "topic")
          return (
            <Link key={key} to={`/topics/${encodeURIComponent(piece.topic)}`} className="topic-link">
              {piece.text}
            </Link>
          );
        if (piece.kind === "mention")
          return (
            <Link key={key} to={`/u/${piece.userId}`} className="mention-link">
              {piece.text}
            </Link>
          );
        return <span key={key}>{piece.text}</span>;
      })}
    </p>
  );
}
