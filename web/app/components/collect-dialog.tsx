import { useEffect, useRef } from "react";
import { Link, useFetcher } from "react-router";
import type { Problem } from "~/lib/api-types";
import { problemMessage } from "~/lib/forms";
import { useT } from "~/lib/root-data";
import { useHydrated } from "~/lib/use-hydrated";
import { ToggleIcon } from "./note-card";
import { Notice } from "./notice";

/** A board as the boards API returns it (worker/src/link/engagement/routes/boards.ts). */
export interface Board {
  id: string;
  ownerId: string;
  name: string;
  visibility: "public" | "private";
  notes: number;
  createdAt: string;
}

/** What the note page's action answers a collect form with. */
export interface CollectResult {
  ok: boolean;
  problem?: Problem;
  /** The board's name, once collected into it. */
  board?: string;
}

interface CollectProps {
  boards: Board[];
  collected: boolean;
  collects: number;
  /** Open from the start: `?collect=1`, the way in without JavaScript. */
  open: boolean;
  closeHref: string;
}

/**
 * The Collect button and its dialog: pick one of your boards, or name a new one (public or
 * private) and collect into it at once. With JavaScript it is a modal <dialog>; without, the button
 * is a link that renders the same dialog open in the page.
 */
export function CollectButton({ boards, collected, collects, open, closeHref }: CollectProps) {
  const t = useT();
  const hydrated = useHydrated();
  const dialog = useRef<HTMLDialogElement>(null);
  const fetcher = useFetcher<CollectResult>();
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const newBoard = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result?.ok) newBoard.current?.reset();
  }, [result]);
  // Opened the JavaScript-free way (`?collect=1`, e.g. a click that landed before the page was
  // hydrated): the server rendered it open, and hydration would close it; keep it open as a modal.
  useEffect(() => {
    if (hydrated && open && !dialog.current?.open) dialog.current?.showModal();
  }, [hydrated, open]);
  // Shown as collected while the first collect is on its way.
  const pending = fetcher.state !== "idle" && !collected;
  const shownCollected = collected || pending;
  const label = (
    <>
      <StarIcon filled={shownCollected} />
      {shownCollected ? t("note.collected") : t("note.collect")}
      <span className="tab-count">{collects + (pending ? 1 : 0)}</span>
    </>
  );
  return (
    <>
      {hydrated ? (
        <button
          type="button"
          className="button button-ghost collect-button"
          aria-pressed={shownCollected}
          aria-haspopup="dialog"
          onClick={() => dialog.current?.showModal()}
          data-testid="collect"
        >
          {label}
        </button>
      ) : (
        <Link to="?collect=1" className="button button-ghost collect-button" data-testid="collect">
          {label}
        </Link>
      )}
      <dialog
        ref={dialog}
        open={open && !hydrated ? true : undefined}
        className="collect-dialog"
        aria-labelledby="collect-title"
        data-testid="collect-dialog"
      >
        <h2 id="collect-title">{t("collect.title")}</h2>
        {result?.ok && result.board ? (
          <Notice tone="success" testId="collect-done">
            {t("collect.done", { board: result.board })}
          </Notice>
        ) : null}
        {result?.problem ? <Notice tone="error">{problemMessage(result.problem, t)}</Notice> : null}
        <h3 className="small">{t("collect.boards")}</h3>
        {boards.length === 0 ? <p className="muted small">{t("collect.none")}</p> : null}
        <ul className="plain board-choices">
          {boards.map((board) => (
            <li key={board.id} className="board-choice">
              <span>
                {board.name}{" "}
                {board.visibility === "private" ? <span className="chip">{t("board.private")}</span> : null}
              </span>
              <fetcher.Form method="post" preventScrollReset>
                <input type="hidden" name="boardId" value={board.id} />
                <input type="hidden" name="boardName" value={board.name} />
                <button
                  type="submit"
                  name="intent"
                  value="collect"
                  className="button button-small"
                  disabled={fetcher.state !== "idle"}
                >
                  {t("collect.into")}
                </button>
              </fetcher.Form>
            </li>
          ))}
        </ul>
        <fetcher.Form method="post" ref={newBoard} className="form" preventScrollReset>
          <h3 className="small">{t("collect.newBoard")}</h3>
          <div className="field">
            <label htmlFor="board-name">{t("collect.boardName")}</label>
            <input id="board-name" name="name" required maxLength={80} data-testid="board-name" />
          </div>
          <label className="checkbox">
            <input type="checkbox" name="private" value="1" /> {t("collect.private")}
          </label>
          <button
            type="submit"
            name="intent"
            value="create-board"
            className="button"
            disabled={fetcher.state !== "idle"}
            data-testid="board-create"
          >
            {t("collect.create")}
          </button>
        </fetcher.Form>
        <div className="actions">
          {hydrated ? (
            <button type="button" className="button button-ghost" onClick={() => dialog.current?.close()}>
              {t("collect.close")}
            </button>
          ) : (
            <Link to={closeHref} className="button button-ghost">
              {t("collect.close")}
            </Link>
          )}
        </div>
      </dialog>
    </>
  );
}

function StarIcon({ filled }: { filled: boolean }) {
  return (
    <ToggleIcon
      filled={filled}
      path="m12 3 2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3 6.4 20.2l1.1-6.2L3 9.6l6.2-.9Z"
    />
  );
}
