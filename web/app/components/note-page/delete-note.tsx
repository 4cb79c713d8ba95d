import { Form } from "react-router";
import { useT } from "~/lib/root-data";

/** Deletes the note after the author confirms. */
export function DeleteNote() {
  const t = useT();
  return (
    <Form
      method="post"
      onSubmit={(event) => {
        if (!window.confirm(t("note.deleteConfirm"))) event.preventDefault();
      }}
    >
      <button
        type="submit"
        name="intent"
        value="delete"
        className="button button-danger"
        data-testid="note-delete"
      >
        {t("note.delete")}
      </button>
    </Form>
  );
}
