import { Form } from "react-router";
import { TextAreaField } from "~/components/field";
import { When } from "~/components/when";
import type { ThreadMessage } from "~/lib/api-types";
import { useT } from "~/lib/root-data";
import { useIntentBusy } from "~/lib/use-intent-busy";

/** The messages between the two sides of the invitation, and the box to add one. */
export function Thread({
  messages,
  viewerId,
  error,
}: {
  messages: ThreadMessage[];
  viewerId: string;
  error?: string;
}) {
  const t = useT();
  const busy = useIntentBusy("message");
  return (
    <section className="card" aria-labelledby="thread-title" data-testid="thread">
      <h2 id="thread-title">{t("invitation.thread")}</h2>
      {messages.length === 0 ? <p className="muted">{t("invitation.noMessages")}</p> : null}
      <ol className="thread">
        {messages.map((message) => (
          <li
            key={message.id}
            className={message.authorId === viewerId ? "message mine" : "message"}
            data-testid="message"
          >
            <p className="message-meta small">
              <strong>{message.authorName}</strong> · <When iso={message.createdAt} zone={false} />
            </p>
            <p className="prewrap">{message.body}</p>
          </li>
        ))}
      </ol>
      {/* Keyed by the count, so the text box empties once the message is in the thread. */}
      <Form method="post" className="form" key={messages.length}>
        <input type="hidden" name="intent" value="message" />
        <TextAreaField
          label={t("invitation.messageBody")}
          name="body"
          rows={3}
          maxLength={2000}
          required
          error={error}
        />
        <div>
          <button type="submit" className="button" disabled={busy} data-testid="post-message">
            {t("invitation.post")}
          </button>
        </div>
      </Form>
    </section>
  );
}
