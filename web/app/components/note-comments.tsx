import { useEffect, useRef, useState } from "react";
import { Link, useFetcher } from "react-router";
import type { Problem } from "~/lib/api-types";
import { problemMessage } from "~/lib/forms";
import { useT } from "~/lib/root-data";
import { useHydrated } from "~/lib/use-hydrated";
import { HeartIcon } from "./note-card";
import { Notice } from "./notice";
import { ReportButton } from "./report-button";
import { When } from "./when";

/** A comment as GET /api/notes/{id}/comments returns it (worker/src/link/engagement/routes/comments.ts). */
export interface NoteComment {
  id: string;
  noteId: string;
  parentId: string | null;
  authorId: string;
  authorName: string;
  body: string;
  createdAt: string;
  likes: number;
  liked: boolean;
  replies: number;
}

export type CommentThread = NoteComment & { replyList: NoteComment[] };

/** What the note page's action answers a comment form with. */
export interface CommentResult {
  ok: boolean;
  problem?: Problem;
}

interface CommentsProps {
  threads: CommentThread[];
  count: number;
  viewerId: string;
  noteAuthorId: string;
  /** `?reply=<id>` opens that reply form without JavaScript. */
  replyTo: string | null;
  moreHref: string | null;
}

/**
 * Comment threads two levels deep: top-level comments and their replies (a reply to a reply joins
 * the thread). Posting, liking and deleting go through the note page's action; the page's data is
 * revalidated after each, so counts come from the API.
 */
export function NoteComments({ threads, count, viewerId, noteAuthorId, replyTo, moreHref }: CommentsProps) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="comments-title" data-testid="comments">
      <h2 id="comments-title">{t("comments.title", { n: count })}</h2>
      <CommentComposer label={t("comments.label")} />
      {threads.length === 0 ? <p className="muted">{t("comments.empty")}</p> : null}
      <ul className="plain comment-list">
        {threads.map((thread) => (
          <li key={thread.id} data-testid="comment-thread">
            <CommentItem comment={thread} viewerId={viewerId} noteAuthorId={noteAuthorId} replyTo={replyTo} />
            {thread.replyList.length ? (
              <ul className="plain comment-replies">
                {thread.replyList.map((reply) => (
                  <li key={reply.id}>
                    <CommentItem
                      comment={reply}
                      viewerId={viewerId}
                      noteAuthorId={noteAuthorId}
                      replyTo={replyTo}
                    />
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
      {moreHref ? (
        <p className="center">
          <Link to={moreHref} preventScrollReset className="button button-ghost">
            {t("comments.more")}
          </Link>
        </p>
      ) : null}
    </section>
  );
}

function CommentComposer({
  label,
  parentId,
  autoFocus,
  onDone,
}: {
  label: string;
  parentId?: string;
  autoFocus?: boolean;
  onDone?: () => void;
}) {
  const t = useT();
  const fetcher = useFetcher<CommentResult>();
  const form = useRef<HTMLFormElement>(null);
  const busy = fetcher.state !== "idle";
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  // Each answer clears the form once; a later re-render must not wipe what is typed next.
  const handled = useRef<CommentResult | undefined>(undefined);
  useEffect(() => {
    if (!result?.ok || handled.current === result) return;
    handled.current = result;
    form.current?.reset();
    onDone?.();
  }, [result, onDone]);
  return (
    <fetcher.Form method="post" ref={form} className="composer comment-composer" preventScrollReset>
      <input type="hidden" name="intent" value="comment" />
      {parentId ? <input type="hidden" name="parentId" value={parentId} /> : null}
      <label className="visually-hidden" htmlFor={`comment-input-${parentId ?? "new"}`}>
        {label}
      </label>
      <textarea
        id={`comment-input-${parentId ?? "new"}`}
        name="body"
        rows={2}
        maxLength={1000}
        required
        placeholder={label}
        // biome-ignore lint/a11y/noAutofocus: only a reply box the user just opened asks for focus
        autoFocus={autoFocus}
        data-testid={parentId ? "reply-body" : "comment-body"}
      />
      <button type="submit" className="button button-small" disabled={busy} data-testid="comment-send">
        {t("comments.send")}
      </button>
      {result?.problem ? <Notice tone="error">{problemMessage(result.problem, t)}</Notice> : null}
    </fetcher.Form>
  );
}

function CommentItem({
  comment,
  viewerId,
  noteAuthorId,
  replyTo,
}: {
  comment: NoteComment;
  viewerId: string;
  noteAuthorId: string;
  replyTo: string | null;
}) {
  const t = useT();
  const hydrated = useHydrated();
  const like = useFetcher<CommentResult>();
  const remove = useFetcher<CommentResult>();
  const [replying, setReplying] = useState(replyTo === comment.id);
  // Optimistic: the heart and count change as soon as it is pressed.
  const pending = like.formData?.get("intent");
  const liked = pending ? pending === "like-comment" : comment.liked;
  const likes = comment.likes + (liked === comment.liked ? 0 : liked ? 1 : -1);
  const mayDelete = comment.authorId === viewerId || noteAuthorId === viewerId;
  const closeReply = () => setReplying(false);
  if (remove.state !== "idle") return null;
  return (
    <article
      className="comment"
      id={`comment-${comment.id}`}
      data-testid="comment"
      data-comment-id={comment.id}
    >
      <p className="comment-head">
        <Link to={`/u/${comment.authorId}`}>{comment.authorName}</Link>{" "}
        <When iso={comment.createdAt} zone={false} />
      </p>
      <p className="comment-body">{comment.body}</p>
      <div className="comment-tools">
        <like.Form method="post" preventScrollReset>
          <input type="hidden" name="commentId" value={comment.id} />
          <button
            type="submit"
            name="intent"
            value={liked ? "unlike-comment" : "like-comment"}
            aria-pressed={liked}
            aria-label={t("comments.likeButton", { name: comment.authorName, n: likes })}
            data-testid="comment-like"
          >
            <HeartIcon filled={liked} />
            <span aria-hidden="true">{likes}</span>
          </button>
        </like.Form>
        {hydrated ? (
          <button type="button" onClick={() => setReplying((open) => !open)} data-testid="comment-reply">
            {t("comments.reply")}
          </button>
        ) : (
          <Link to={`?reply=${comment.id}#comment-${comment.id}`}>{t("comments.reply")}</Link>
        )}
        {comment.authorId === viewerId ? null : (
          <ReportButton target="comment" id={comment.id} className="comment-report" />
        )}
        {mayDelete ? (
          <remove.Form method="post" preventScrollReset>
            <input type="hidden" name="commentId" value={comment.id} />
            <button type="submit" name="intent" value="delete-comment" data-testid="comment-delete">
              {t("comments.delete")}
            </button>
          </remove.Form>
        ) : null}
      </div>
      {remove.data?.problem ? <Notice tone="error">{problemMessage(remove.data.problem, t)}</Notice> : null}
      {replying ? (
        <CommentComposer
          label={t("comments.replyLabel", { name: comment.authorName })}
          parentId={comment.id}
          autoFocus={hydrated}
          onDone={closeReply}
        />
      ) : null}
    </article>
  );
}
