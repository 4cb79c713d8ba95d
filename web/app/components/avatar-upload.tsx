import { type FormEvent, useEffect, useState } from "react";
import { useRevalidator } from "react-router";
import { useT } from "~/lib/root-data";
import { Avatar } from "./avatar";
import { Notice } from "./notice";

const AVATAR_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];
const AVATAR_MAX_BYTES = 1024 * 1024;

type UploadState = { status: "idle" | "busy" | "done" } | { status: "error"; message: string };

/**
 * The browser sends the image straight to the API (same origin, so the session cookie goes along;
 * the x-atas-csrf header is the CSRF proof). Needs JavaScript, so the button waits for hydration.
 */
export function AvatarUpload({ name, url }: { name: string; url: string | null }) {
  const t = useT();
  const revalidator = useRevalidator();
  const [hydrated, setHydrated] = useState(false);
  const [preview, setPreview] = useState(url);
  const [state, setState] = useState<UploadState>({ status: "idle" });
  useEffect(() => setHydrated(true), []);

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get("avatar");
    if (!(file instanceof File) || file.size === 0) return;
    if (!AVATAR_TYPES.includes(file.type))
      return setState({ status: "error", message: t("edit.avatarWrongType") });
    if (file.size > AVATAR_MAX_BYTES) return setState({ status: "error", message: t("edit.avatarTooBig") });
    setState({ status: "busy" });
    try {
      const response = await fetch("/api/me/avatar", {
        method: "PUT",
        body: file,
        headers: { "content-type": file.type, "x-atas-csrf": "1" },
        credentials: "same-origin",
      });
      const body = (await response.json().catch(() => ({}))) as { avatarUrl?: string; detail?: string };
      if (!response.ok) return setState({ status: "error", message: body.detail ?? t("error.generic") });
      setPreview(body.avatarUrl ?? null);
      setState({ status: "done" });
      revalidator.revalidate();
    } catch {
      setState({ status: "error", message: t("error.generic") });
    }
  }

  return (
    <section className="card avatar-upload" aria-labelledby="avatar-title">
      <h2 id="avatar-title">{t("edit.avatarTitle")}</h2>
      <div className="avatar-row">
        <Avatar name={name} url={preview} alt={t("profile.avatarAlt", { name })} />
        <form onSubmit={upload} className="avatar-form">
          <label htmlFor="avatar-file">{t("edit.avatarChoose")}</label>
          <input id="avatar-file" type="file" name="avatar" accept={AVATAR_TYPES.join(",")} required />
          <p className="field-hint">{hydrated ? t("edit.avatarHint") : t("edit.avatarNoScript")}</p>
          <button
            type="submit"
            className="button button-ghost"
            disabled={!hydrated || state.status === "busy"}
          >
            {state.status === "busy" ? t("edit.avatarUploading") : t("edit.avatarUpload")}
          </button>
        </form>
      </div>
      {state.status === "done" ? <Notice tone="success">{t("edit.avatarDone")}</Notice> : null}
      {state.status === "error" ? <Notice tone="error">{state.message}</Notice> : null}
    </section>
  );
}
