import type { FormEvent } from "react";
import { data, redirect, useNavigation, useSubmit } from "react-router";
import { SelectField, TextField } from "~/components/field";
import { NoteBodyField } from "~/components/note-composer/note-body-field";
import { PhotoPicker } from "~/components/note-composer/photo-picker";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import type { Me, Note } from "~/lib/api-types";
import { fieldErrors, formText, problemMessage } from "~/lib/forms";
import type { MessageKey } from "~/lib/i18n";
import { useMentions } from "~/lib/note-composer/use-mentions";
import { usePhotos } from "~/lib/note-composer/use-photos";
import { pageMeta, useT } from "~/lib/root-data";
import { useHydrated } from "~/lib/use-hydrated";
import type { Route } from "./+types/note-new";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "newNote.title");

const VISIBILITIES = ["public", "campus", "followers", "private"] as const;

export async function loader({ request, context }: Route.LoaderArgs) {
  const me = await apiCall<Me>(context, request, "/api/me");
  if (me.status === 401) throw redirect("/login?redirectTo=/notes/new", { headers: me.headers });
  if (!me.ok) throw data(me.problem, { status: me.status });
  // Campus notes need a campus on the profile; without one the choice is not offered.
  return data({ hasCampus: me.data.profile.campus !== null }, { headers: me.headers });
}

/** The photos are already uploaded by the browser; this posts the note with their ids, in order. */
export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const result = await apiCall<{ note: Note }>(context, request, "/api/notes", {
    json: {
      title: formText(form, "title"),
      body: formText(form, "body"),
      visibility: formText(form, "visibility"),
      imageIds: form.getAll("imageId").map(String),
      mentions: form.getAll("mention").map(String),
    },
  });
  if (result.ok) return redirect(`/notes/${result.data.note.id}`, { headers: result.headers });
  return data({ problem: result.problem }, { status: result.status, headers: result.headers });
}

/**
 * Title, text with #topics and @mentions, who may see it, and 1–9 photos the browser previews,
 * orders, resizes and uploads before the note itself is posted.
 */
export default function NewNote({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const hydrated = useHydrated();
  const submit = useSubmit();
  const navigation = useNavigation();
  const photos = usePhotos(t);
  const mentions = useMentions();

  const problem = actionData?.problem;
  const errors = fieldErrors(problem);
  const progress = photos.progress;
  const posting = progress !== null || navigation.state !== "idle";

  async function post(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const images = await photos.uploadAll();
    if (!images) return;
    for (const image of images) form.append("imageId", image.id);
    for (const id of mentions.mentionedIn(String(form.get("body") ?? ""))) form.append("mention", id);
    submit(form, { method: "post" });
  }

  const visibilities = VISIBILITIES.filter((v) => v !== "campus" || loaderData.hasCampus);
  const imageErrors = [...photos.photoError, ...(errors.imageIds ? [errors.imageIds] : [])];

  return (
    <section className="card composer-page stack">
      <div>
        <h1>{t("newNote.title")}</h1>
        <p className="muted">{t("newNote.lead")}</p>
      </div>
      {problem && !errors.imageIds ? <Notice tone="error">{problemMessage(problem, t)}</Notice> : null}
      {!hydrated ? <Notice tone="info">{t("newNote.noScript")}</Notice> : null}
      <form method="post" className="form" onSubmit={post}>
        <PhotoPicker photos={photos} errors={imageErrors} hydrated={hydrated} posting={posting} t={t} />
        <TextField
          label={t("newNote.titleLabel")}
          name="title"
          required
          maxLength={100}
          error={errors.title}
          data-testid="note-title"
        />
        <NoteBodyField error={errors.body ?? errors.mentions} mentions={mentions} t={t} />
        <SelectField
          label={t("newNote.visibility")}
          name="visibility"
          defaultValue="public"
          error={errors.visibility}
          data-testid="note-visibility"
        >
          {visibilities.map((v) => (
            <option key={v} value={v}>
              {t(`visibility.${v}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button" disabled={!hydrated || posting} data-testid="post-note">
          {progress
            ? t("newNote.uploading", progress)
            : navigation.state !== "idle"
              ? t("newNote.posting")
              : t("newNote.submit")}
        </button>
      </form>
    </section>
  );
}
