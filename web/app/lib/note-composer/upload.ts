import type { NoteImage, Problem } from "~/lib/api-types";
import type { Translate } from "~/lib/i18n";
import { displayVersion } from "~/lib/note-image";

/** A photo picked for a new note: previewed at once, uploaded only when the note is posted. */
export interface Photo {
  key: string;
  file: File;
  preview: string;
  /** Set once uploaded, so a retry after a failed post does not upload it again. */
  image?: NoteImage;
  error?: string;
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
export async function upload(photo: Photo, t: Translate): Promise<NoteImage> {
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
