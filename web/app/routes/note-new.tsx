import { type ChangeEvent, type FormEvent, useEffect, useRef, useState } from "react";
import { data, redirect, useNavigation, useSubmit } from "react-router";
import { SelectField, TextAreaField, TextField } from "~/components/field";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import type { Me, Note, NoteImage, Problem } from "~/lib/api-types";
import { fieldErrors, formText, problemMessage } from "~/lib/forms";
import type { MessageKey, Translate } from "~/lib/i18n";
import { displayVersion, NOTE_IMAGE_MAX_BYTES, NOTE_IMAGE_TYPES, NOTE_IMAGES_MAX } from "~/lib/note-image";
import { mentionQuery } from "~/lib/note-text";
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

interface Photo {
  key: string;
  file: File;
  preview: string;
  /** Set once uploaded, so a retry after a failed post does not upload it again. */
  image?: NoteImage;
  error?: string;
}

interface Mention {
  id: string;
  displayName: string;
}

interface UserHit {
  id: string;
  displayName: string;
}

function uploadProblem(problem: Partial<Problem>, file: File, t: Translate): string {
  if (problem.code === "image-dimensions") return t("newNote.tooManyPixels", { name: file.name });
  if (problem.code === "image-size-unknown") return t("newNote.unreadable", { name: file.name });
  if (problem.code === "image-quota")
    return t("newNote.dailyQuota", { hours: Math.ceil((problem.retryAfter ?? 3600) / 3600) });
  if (problem.status === 413) return t("newNote.tooBig", { name: file.name });
  if (problem.status === 415) return t("newNote.wrongType", { name: file.name });
  if (problem.status === 429) return t("error.rateLimited", { seconds: problem.retryAfter ?? 60 });
  return problem.detail ?? problem.title ?? t("error.generic");
}

/** Sends one photo to the API from the browser, with its display version made here. */
async function upload(photo: Photo, t: Translate): Promise<NoteImage> {
  let display: Blob | null;
  try {
    display = await displayVersion(photo.file);
  } catch {
    throw new Error(t("newNote.unreadable", { name: photo.file.name }));
  }
  const body = new FormData();
  body.append("original", photo.file, photo.file.name);
  if (display) body.append("display", display, `display.${display.type.split("/")[1] ?? "img"}`);
  const response = await fetch("/api/note-images", {
    method: "POST",
    body,
    headers: { "x-atas-csrf": "1", accept: "application/json" },
    credentials: "same-origin",
  });
  const json = (await response.json().catch(() => ({}))) as { image?: NoteImage } & Partial<Problem>;
  if (!response.ok || !json.image)
    throw new Error(uploadProblem({ ...json, status: response.status }, photo.file, t));
  return json.image;
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
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [photoError, setPhotoError] = useState<string[]>([]);
  const [progress, setProgress] = useState<{ n: number; total: number } | null>(null);
  const [mentions, setMentions] = useState<Mention[]>([]);
  const [suggest, setSuggest] = useState<{ start: number; query: string; hits: UserHit[] } | null>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  const problem = actionData?.problem;
  const errors = fieldErrors(problem);
  const posting = progress !== null || navigation.state !== "idle";

  // Previews are object URLs: free them when a photo goes or the page does.
  const previews = useRef(new Set<string>());
  useEffect(() => {
    const urls = previews.current;
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, []);

  function addPhotos(event: ChangeEvent<HTMLInputElement>) {
    const files = [...(event.currentTarget.files ?? [])];
    event.currentTarget.value = "";
    const problems: string[] = [];
    const accepted: Photo[] = [];
    for (const file of files) {
      if (!NOTE_IMAGE_TYPES.includes(file.type)) problems.push(t("newNote.wrongType", { name: file.name }));
      else if (file.size > NOTE_IMAGE_MAX_BYTES) problems.push(t("newNote.tooBig", { name: file.name }));
      else {
        const preview = URL.createObjectURL(file);
        previews.current.add(preview);
        accepted.push({ key: preview, file, preview });
      }
    }
    const room = NOTE_IMAGES_MAX - photos.length;
    if (accepted.length > room) {
      problems.push(t("newNote.tooMany", { n: accepted.length - Math.max(room, 0) }));
      for (const extra of accepted.splice(Math.max(room, 0))) drop(extra);
    }
    setPhotoError(problems);
    setPhotos((current) => [...current, ...accepted]);
  }

  function drop(photo: Photo) {
    URL.revokeObjectURL(photo.preview);
    previews.current.delete(photo.preview);
  }

  function remove(index: number) {
    const photo = photos[index];
    if (photo) drop(photo);
    setPhotos((current) => current.filter((_, i) => i !== index));
    setPhotoError([]);
  }

  function move(index: number, by: -1 | 1) {
    setPhotos((current) => {
      const next = [...current];
      const [photo] = next.splice(index, 1);
      if (photo) next.splice(index + by, 0, photo);
      return next;
    });
  }

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

  async function post(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (photos.length === 0) return setPhotoError([t("newNote.needImage")]);
    setPhotoError([]);
    const uploaded: Photo[] = [...photos];
    let failed = false;
    for (const [i, photo] of uploaded.entries()) {
      if (photo.image) continue;
      setProgress({ n: i + 1, total: uploaded.length });
      try {
        uploaded[i] = { ...photo, image: await upload(photo, t), error: undefined };
      } catch (error) {
        failed = true;
        uploaded[i] = { ...photo, error: error instanceof Error ? error.message : t("error.generic") };
      }
    }
    setPhotos(uploaded);
    setProgress(null);
    if (failed) return;
    for (const photo of uploaded) if (photo.image) form.append("imageId", photo.image.id);
    // A mention stays only while its @name is still in the text.
    const body = String(form.get("body") ?? "");
    for (const m of mentions) if (body.includes(`@${m.displayName}`)) form.append("mention", m.id);
    submit(form, { method: "post" });
  }

  const visibilities = VISIBILITIES.filter((v) => v !== "campus" || loaderData.hasCampus);
  const imageErrors = [...photoError, ...(errors.imageIds ? [errors.imageIds] : [])];

  return (
    <section className="card composer-page stack">
      <div>
        <h1>{t("newNote.title")}</h1>
        <p className="muted">{t("newNote.lead")}</p>
      </div>
      {problem && !errors.imageIds ? <Notice tone="error">{problemMessage(problem, t)}</Notice> : null}
      {!hydrated ? <Notice tone="info">{t("newNote.noScript")}</Notice> : null}
      <form method="post" className="form" onSubmit={post}>
        <fieldset className="field" aria-describedby="photos-hint photos-error">
          <legend>{t("newNote.images")}</legend>
          {photos.length ? (
            <ol className="composer-images" data-testid="composer-images">
              {photos.map((photo, i) => (
                <li key={photo.key} className="composer-image">
                  <img
                    src={photo.preview}
                    alt={t("newNote.previewAlt", { n: i + 1, total: photos.length })}
                  />
                  {i === 0 ? (
                    <span className="chip chip-via composer-cover">{t("newNote.cover")}</span>
                  ) : null}
                  <div className="composer-image-tools">
                    <button
                      type="button"
                      onClick={() => move(i, -1)}
                      disabled={i === 0 || posting}
                      aria-label={t("newNote.moveEarlier", { n: i + 1 })}
                    >
                      ‹
                    </button>
                    <button
                      type="button"
                      onClick={() => remove(i)}
                      disabled={posting}
                      aria-label={t("newNote.remove", { n: i + 1 })}
                      data-testid="remove-photo"
                    >
                      ×
                    </button>
                    <button
                      type="button"
                      onClick={() => move(i, 1)}
                      disabled={i === photos.length - 1 || posting}
                      aria-label={t("newNote.moveLater", { n: i + 1 })}
                    >
                      ›
                    </button>
                  </div>
                  {photo.error ? (
                    <p className="field-error small" role="alert">
                      {photo.error}
                    </p>
                  ) : null}
                </li>
              ))}
            </ol>
          ) : null}
          <label htmlFor="note-photos" className="button button-ghost" aria-disabled={!hydrated}>
            {t("newNote.addImages")}
          </label>
          <input
            id="note-photos"
            type="file"
            className="visually-hidden"
            accept={NOTE_IMAGE_TYPES.join(",")}
            multiple
            disabled={!hydrated || posting || photos.length >= NOTE_IMAGES_MAX}
            onChange={addPhotos}
            data-testid="note-photos"
          />
          <p id="photos-hint" className="field-hint">
            {t("newNote.imagesHint")}
          </p>
          <div id="photos-error">
            {imageErrors.map((message) => (
              <p key={message} className="field-error" role="alert">
                {message}
              </p>
            ))}
          </div>
        </fieldset>
        <TextField
          label={t("newNote.titleLabel")}
          name="title"
          required
          maxLength={100}
          error={errors.title}
          data-testid="note-title"
        />
        <div>
          <TextAreaField
            label={t("newNote.bodyLabel")}
            name="body"
            rows={6}
            maxLength={2000}
            hint={t("newNote.bodyHint")}
            error={errors.body ?? errors.mentions}
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
          {mentions.length ? (
            // biome-ignore lint/a11y/useAriaPropsSupportedByRole: kept as is in the lint change (no behaviour change); a role would change what readers announce
            <p className="chips" aria-label={t("newNote.mentions")}>
              {mentions.map((m) => (
                <button
                  key={m.id}
                  type="button"
                  className="chip chip-via"
                  onClick={() => setMentions((current) => current.filter((c) => c.id !== m.id))}
                  aria-label={t("newNote.mentionRemove", { name: m.displayName })}
                >
                  @{m.displayName} ×
                </button>
              ))}
            </p>
          ) : null}
        </div>
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
