import { Form, Link, useNavigation } from "react-router";
import { SelectField, TextAreaField, TextField } from "~/components/field";
import { Notice } from "~/components/notice";
import type { Note, Problem } from "~/lib/api-types";
import { fieldErrors, problemMessage } from "~/lib/forms";
import type { MessageKey } from "~/lib/i18n";
import { useT } from "~/lib/root-data";

const VISIBILITIES = ["public", "campus", "followers", "private"] as const;

/** The author's edit of title, text and who may see the note, in place of the note's text. */
export function EditNote({ note, problem }: { note: Note; problem: Problem | undefined }) {
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const errors = fieldErrors(problem);
  return (
    <Form method="post" className="form" data-testid="note-edit-form">
      {problem && !problem.errors?.length ? <Notice tone="error">{problemMessage(problem, t)}</Notice> : null}
      <TextField
        label={t("newNote.titleLabel")}
        name="title"
        required
        maxLength={100}
        defaultValue={note.title}
        error={errors.title}
      />
      <TextAreaField
        label={t("newNote.bodyLabel")}
        name="body"
        rows={6}
        maxLength={2000}
        defaultValue={note.body}
        hint={t("newNote.bodyHint")}
        error={errors.body}
      />
      <SelectField
        label={t("newNote.visibility")}
        name="visibility"
        defaultValue={note.visibility}
        error={errors.visibility}
      >
        {VISIBILITIES.map((v) => (
          <option key={v} value={v}>
            {t(`visibility.${v}` as MessageKey)}
          </option>
        ))}
      </SelectField>
      <div className="actions">
        <button type="submit" name="intent" value="edit" className="button" disabled={busy}>
          {t("note.save")}
        </button>
        <Link to={`/notes/${note.id}`} className="button button-ghost">
          {t("note.cancel")}
        </Link>
      </div>
    </Form>
  );
}
