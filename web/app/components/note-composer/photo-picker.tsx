import type { Translate } from "~/lib/i18n";
import type { Photos } from "~/lib/note-composer/use-photos";
import { NOTE_IMAGE_TYPES, NOTE_IMAGES_MAX } from "~/lib/note-image";

/** The composer's photos: previews in order with move and remove tools, the picker, and their errors. */
export function PhotoPicker({
  photos,
  errors,
  hydrated,
  posting,
  t,
}: {
  photos: Photos;
  errors: string[];
  hydrated: boolean;
  posting: boolean;
  t: Translate;
}) {
  const { photos: list, add, remove, move } = photos;
  return (
    <fieldset className="field" aria-describedby="photos-hint photos-error">
      <legend>{t("newNote.images")}</legend>
      {list.length ? (
        <ol className="composer-images" data-testid="composer-images">
          {list.map((photo, i) => (
            <li key={photo.key} className="composer-image">
              <img src={photo.preview} alt={t("newNote.previewAlt", { n: i + 1, total: list.length })} />
              {i === 0 ? <span className="chip chip-via composer-cover">{t("newNote.cover")}</span> : null}
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
                  disabled={i === list.length - 1 || posting}
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
        disabled={!hydrated || posting || list.length >= NOTE_IMAGES_MAX}
        onChange={add}
        data-testid="note-photos"
      />
      <p id="photos-hint" className="field-hint">
        {t("newNote.imagesHint")}
      </p>
      <div id="photos-error">
        {errors.map((message) => (
          <p key={message} className="field-error" role="alert">
            {message}
          </p>
        ))}
      </div>
    </fieldset>
  );
}
