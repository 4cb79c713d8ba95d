import { useRef, useState } from "react";
import { mentionQuery } from "~/lib/note-text";

interface Mention {
  id: string;
  displayName: string;
}

interface UserHit {
  id: string;
  displayName: string;
}

export type Mentions = ReturnType<typeof useMentions>;

/** The @mentions of a note's text: people suggested while typing `@name`, picked, and dropped. */
export function useMentions() {
  const [mentions, setMentions] = useState<Mention[]>([]);
  const [suggest, setSuggest] = useState<{ start: number; query: string; hits: UserHit[] } | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  // The mention picker searches people by the `@word` before the caret (helper C's user search).
  const searchTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  function onBodyInput(area: HTMLTextAreaElement) {
    bodyRef.current = area;
    const typed = mentionQuery(area.value, area.selectionStart);
    clearTimeout(searchTimer.current);
    if (!typed) return setSuggest(null);
    searchTimer.current = setTimeout(async () => {
      try {
        const response = await fetch(`/api/search/users?q=${encodeURIComponent(typed.query)}`, {
          headers: { accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok) return setSuggest(null);
        const json = (await response.json()) as { results?: UserHit[] };
        setSuggest({ ...typed, hits: (json.results ?? []).slice(0, 5) });
      } catch {
        setSuggest(null);
      }
    }, 250);
  }

  function pick(hit: UserHit) {
    const area = bodyRef.current;
    if (!area || !suggest) return;
    const end = suggest.start + 1 + suggest.query.length;
    const inserted = `@${hit.displayName} `;
    area.value = `${area.value.slice(0, suggest.start)}${inserted}${area.value.slice(end)}`;
    const caret = suggest.start + inserted.length;
    area.focus();
    area.setSelectionRange(caret, caret);
    setMentions((current) => (current.some((m) => m.id === hit.id) ? current : [...current, hit]));
    setSuggest(null);
  }

  function unmention(id: string) {
    setMentions((current) => current.filter((c) => c.id !== id));
  }

  /** A mention stays only while its @name is still in the text. */
  function mentionedIn(body: string): string[] {
    return mentions.filter((m) => body.includes(`@${m.displayName}`)).map((m) => m.id);
  }

  return { mentions, suggest, onBodyInput, pick, unmention, mentionedIn };
}
