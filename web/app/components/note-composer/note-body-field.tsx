import { TextAreaField } from "~/components/field";
import type { Translate } from "~/lib/i18n";
import type { Mentions } from "~/lib/note-composer/use-mentions";

/** The note's text, with people suggested for the `@name` being typed and the mentions picked so far. */
export function NoteBodyField({
  error,
  mentions,
  t,
}: {
  error?: string | undefined;
  mentions: Mentions;
  t: Translate;
}) {
  const { suggest, onBodyInput, pick, unmention } = mentions;
  return (
    <div>
      <TextAreaField
        label={t("newNote.bodyLabel")}
        name="body"
        rows={6}
        maxLength={2000}
        hint={t("newNote.bodyHint")}
        error={error}
        onInput={(event) => onBodyInput(event.currentTarget)}
        onClick={(event) => onBodyInput(event.currentTarget)}
        data-testid="note-body"
      />
      {suggest?.hits.length ? (
        <ul className="mention-suggestions" aria-label={t("newNote.suggestions")}>
          {suggest.hits.map((hit) => (
            <li key={hit.id}>
              <button
                type="button"
                className="button button-small button-ghost"
                onClick={() => pick(hit)}
                aria-label={t("newNote.mentionPick", { name: hit.displayName })}
              >
                @{hit.displayName}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {mentions.mentions.length ? (
        // biome-ignore lint/a11y/useAriaPropsSupportedByRole: kept as is in the lint change (no behaviour change); a role would change what readers announce
        <p className="chips" aria-label={t("newNote.mentions")}>
          {mentions.mentions.map((m) => (
            <button
              key={m.id}
              type="button"
              className="chip chip-via"
              onClick={() => unmention(m.id)}
              aria-label={t("newNote.mentionRemove", { name: m.displayName })}
            >
              @{m.displayName} ×
            </button>
          ))}
        </p>
      ) : null}
    </div>
  );
}
