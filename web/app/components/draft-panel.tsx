import { type FormEvent, useCallback, useEffect, useState } from "react";
import { useRevalidator } from "react-router";
import type { DraftView, InboxFrame, Problem } from "~/lib/api-types";
import type { MessageKey } from "~/lib/i18n";
import { useT } from "~/lib/root-data";
import { useInbox } from "~/lib/use-inbox";
import { Notice } from "./notice";

type Status = DraftView["status"];
interface Live {
  id: string;
  status: Status;
  text: string;
  error: string | null;
  problems: DraftView["problems"];
}

const POLL_MS = 2_000;
const headers = { "content-type": "application/json", "x-atas-csrf": "1" };

/**
 * "Draft with AI" on a draft invitation: the request answers at once, the text appears as it is
 * written (inbox WebSocket frames, each continuing the text at its offset), then the requester edits
 * it and attaches it as the proposal. A reload mid-way resumes: the loader brings the saved text and
 * the socket's hello frame the text so far. While a draft is unfinished the page also polls D1, so a
 * lost frame or a closed socket only delays the text.
 */
export function DraftPanel({
  invitationId,
  language,
  latest,
}: {
  invitationId: string;
  language: string;
  latest: DraftView | null;
}) {
  const t = useT();
  const revalidator = useRevalidator();
  const [draft, setDraft] = useState<Live | null>(latest && !latest.attachedAt ? latest : null);
  const [edited, setEdited] = useState(latest?.status === "ready" ? latest.text : "");
  const [notice, setNotice] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [blocking, setBlocking] = useState<Problem["problems"]>([]);
  const [busy, setBusy] = useState(false);
  const [options, setOptions] = useState({
    tone: "warm",
    language: language === "zh" ? "zh" : "en",
    length: "medium",
  });
  const unfinished = draft !== null && (draft.status === "queued" || draft.status === "writing");
  const shown = blocking?.length ? blocking : (draft?.problems ?? []);

  const refresh = useCallback(async (id: string) => {
    const response = await fetch(`/api/drafts/${id}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const saved = (await response.json()) as DraftView;
    setDraft((current) => {
      if (!current || current.id !== saved.id) return current;
      const done = saved.status === "ready" || saved.status === "failed";
      // Mid-way the live text may be ahead of what was saved; once done, D1 has the whole of it.
      if (!done && current.text.length >= saved.text.length) return current;
      if (saved.status === "ready") setEdited(saved.text);
      return { ...saved };
    });
  }, []);

  useInbox((frame: InboxFrame) => {
    if (frame.type === "hello") {
      const live = frame.drafts.find((d) => d.draftId === draft?.id);
      if (live)
        setDraft((current) =>
          current && live.text.length > current.text.length
            ? { ...current, status: live.status, text: live.text }
            : current,
        );
      return;
    }
    if (frame.type !== "draft" || frame.draftId !== draft?.id) return;
    if (frame.status === "ready" || frame.status === "failed") {
      void refresh(frame.draftId);
      return;
    }
    setDraft((current) => {
      if (!current || current.id !== frame.draftId) return current;
      if (frame.offset === 0 && !frame.chunk)
        return { ...current, status: frame.status, text: "", error: frame.error ?? null };
      const end = frame.offset + frame.chunk.length;
      if (frame.offset > current.text.length) {
        void refresh(frame.draftId); // a step went missing: fill the gap from D1
        return current;
      }
      if (end <= current.text.length) return current;
      return {
        ...current,
        status: frame.status,
        text: current.text + frame.chunk.slice(current.text.length - frame.offset),
      };
    });
  }, unfinished);

  useEffect(() => {
    if (!unfinished || !draft) return;
    const timer = setInterval(() => void refresh(draft.id), POLL_MS);
    return () => clearInterval(timer);
  }, [unfinished, draft, refresh]);

  async function request(event?: FormEvent) {
    event?.preventDefault();
    setNotice(null);
    setBlocking([]);
    setBusy(true);
    try {
      const response = await fetch(`/api/invitations/${invitationId}/draft`, {
        method: "POST",
        credentials: "same-origin",
        headers: { ...headers, "idempotency-key": crypto.randomUUID() },
        body: JSON.stringify(options),
      });
      const body = (await response.json().catch(() => ({}))) as { draftId?: string } & Partial<Problem>;
      if (response.status === 202 && body.draftId) {
        setDraft({ id: body.draftId, status: "queued", text: "", error: null, problems: [] });
        setEdited("");
        return;
      }
      setNotice({ tone: "error", text: refusal(response.status, body, t) });
    } catch {
      setNotice({ tone: "error", text: t("error.generic") });
    } finally {
      setBusy(false);
    }
  }

  async function attach() {
    if (!draft) return;
    setBusy(true);
    setBlocking([]);
    try {
      const response = await fetch(`/api/drafts/${draft.id}/attach`, {
        method: "POST",
        credentials: "same-origin",
        headers,
        body: JSON.stringify({ text: edited }),
      });
      const body = (await response.json().catch(() => ({}))) as Partial<Problem>;
      if (response.ok) {
        setNotice({ tone: "success", text: t("draft.attached") });
        setDraft(null);
        revalidator.revalidate();
        return;
      }
      if (body.code === "proposal-checks") setBlocking(body.problems ?? []);
      else setNotice({ tone: "error", text: refusal(response.status, body, t) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card draft-panel" aria-labelledby="draft-title" data-testid="draft-panel">
      <h2 id="draft-title">{t("draft.title")}</h2>
      <p className="muted small">{t("draft.intro")}</p>
      <form onSubmit={request} className="draft-options">
        {(
          [
            ["tone", ["warm", "formal", "concise"]],
            ["language", ["en", "zh"]],
            ["length", ["short", "medium", "long"]],
          ] as const
        ).map(([name, values]) => (
          <label key={name} className="inline-field">
            <span>{t(`draft.${name}` as MessageKey)}</span>
            <select
              name={name}
              value={options[name]}
              onChange={(e) => setOptions({ ...options, [name]: e.target.value })}
              data-testid={`draft-${name}`}
            >
              {values.map((value) => (
                <option key={value} value={value}>
                  {t(`draft.${name}.${value}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        ))}
        <button type="submit" className="button" disabled={busy || unfinished} data-testid="draft-request">
          {draft?.status === "failed" ? t("draft.retry") : t("draft.request")}
        </button>
      </form>
      {notice ? (
        <Notice tone={notice.tone} testId="draft-notice">
          {notice.text}
        </Notice>
      ) : null}
      {draft ? (
        <div className="draft-body">
          <p className="draft-status" data-testid="draft-status" data-status={draft.status}>
            {t(`draft.status.${draft.status}` as MessageKey)}
            {draft.status === "queued" && draft.error ? ` · ${t("draft.retrying")}` : ""}
          </p>
          {draft.status === "failed" ? (
            <Notice tone="error" testId="draft-failed">
              {draft.error ?? t("error.generic")}
            </Notice>
          ) : null}
          {unfinished ? (
            <p className="prewrap draft-live" data-testid="draft-live" aria-live="polite">
              {draft.text}
              <span className="caret" aria-hidden="true" />
            </p>
          ) : null}
          {draft.status === "ready" ? (
            <>
              <label htmlFor="draft-text" className="field-label">
                {t("draft.edit")}
              </label>
              <textarea
                id="draft-text"
                className="draft-text"
                rows={16}
                value={edited}
                onChange={(e) => setEdited(e.target.value)}
                data-testid="draft-text"
              />
              {shown.length ? (
                <ul className="problems" data-testid="draft-problems">
                  {shown.map((p) => (
                    <li key={p.code}>{t(`draft.problem.${p.code}` as MessageKey)}</li>
                  ))}
                </ul>
              ) : null}
              <button
                type="button"
                className="button"
                onClick={attach}
                disabled={busy}
                data-testid="draft-attach"
              >
                {t("draft.attach")}
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function refusal(status: number, body: Partial<Problem>, t: ReturnType<typeof useT>): string {
  if (status === 429) {
    const seconds = body.retryAfter ?? 60;
    if (body.code === "daily-quota")
      return t("draft.dailyQuota", { hours: Math.max(1, Math.ceil(seconds / 3600)) });
    return t("draft.tooMany", { seconds });
  }
  if (status === 503) return t("error.unavailable");
  if (body.code === "not-a-draft") return t("problem.not-a-draft");
  return body.detail ?? t("error.generic");
}
