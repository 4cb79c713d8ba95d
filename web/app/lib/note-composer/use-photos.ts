import { type ChangeEvent, useEffect, useRef, useState } from "react";
import type { NoteImage } from "~/lib/api-types";
import type { Translate } from "~/lib/i18n";
import { NOTE_IMAGE_MAX_BYTES, NOTE_IMAGE_TYPES, NOTE_IMAGES_MAX } from "~/lib/note-image";
import { type Photo, upload } from "./upload";

export type Photos = ReturnType<typeof usePhotos>;

/** The composer's 1–9 photos: picked, previewed, ordered, removed, then uploaded in order. */
export function usePhotos(t: Translate) {
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [photoError, setPhotoError] = useState<string[]>([]);
  const [progress, setProgress] = useState<{ n: number; total: number } | null>(null);

  // Previews are object URLs: free them when a photo goes or the page does.
  const previews = useRef(new Set<string>());
  useEffect(() => {
    const urls = previews.current;
    return () => {
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, []);

  function add(event: ChangeEvent<HTMLInputElement>) {
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

  /**
   * Uploads every photo not uploaded yet, in order. The images in order, or null when there is
   * none or one failed (its error is then shown beside it).
   */
  async function uploadAll(): Promise<NoteImage[] | null> {
    if (photos.length === 0) {
      setPhotoError([t("newNote.needImage")]);
      return null;
    }
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
    if (failed) return null;
    return uploaded.flatMap((photo) => (photo.image ? [photo.image] : []));
  }

  return { photos, photoError, progress, add, remove, move, uploadAll };
}
