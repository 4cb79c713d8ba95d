import { Fragment } from "react";
import { data, Form } from "react-router";
import { apiCall } from "~/lib/api.server";
import type { OutboxMail } from "~/lib/api-types";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/dev-mail";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "mail.title");

export async function loader({ request, context }: Route.LoaderArgs) {
  if (context.env.APP_ENV === "production") throw data(null, { status: 404 });
  const result = await apiCall<OutboxMail[]>(context, request, "/dev/mail.json");
  if (result.status === 404) throw data(null, { status: 404 });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return { mails: result.data };
}

export default function DevMail({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { mails } = loaderData;
  return (
    <section className="mailbox">
      <header className="mailbox-head">
        <div>
          <h1>{t("mail.title")}</h1>
          <p className="muted">{t("mail.lead")}</p>
        </div>
        {/* A full reload: /dev/mail.data, which a client-side refresh would fetch, is routed to the API. */}
        <Form method="get" reloadDocument>
          <button type="submit" className="button button-ghost button-small">
            {t("mail.refresh")}
          </button>
        </Form>
      </header>
      {mails.length === 0 ? <p className="card">{t("mail.empty")}</p> : null}
      <ol className="mail-list">
        {mails.map((mail) => (
          // Mails have no id; each text carries its own token or wording, so this is unique in practice.
          <li key={`${mail.createdAt} ${mail.to} ${mail.text}`} className="card mail" data-testid="mail-item">
            <div className="mail-head">
              <h2 className="mail-subject">{mail.subject}</h2>
              <p className="mail-meta">
                <span>
                  {t("mail.to")}: <span className="mail-to">{mail.to}</span>
                </span>
                <time dateTime={mail.createdAt}>{utcTime(mail.createdAt)}</time>
              </p>
            </div>
            <MailText text={mail.text} />
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Formatted the same on server and client (no locale or zone lookup), so hydration matches. */
function utcTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

const URL_PATTERN = /(https?:\/\/[^\s<>"')\]]+)/g;

/** The plain-text body with its http(s) links made clickable; the mail's HTML is never injected. */
function MailText({ text }: { text: string }) {
  const parts = text.split(URL_PATTERN);
  return (
    <pre className="mail-text">
      {parts.map((part, index) => {
        const key = `${index}`;
        // split() with one capture group puts the matches at the odd indexes.
        if (index % 2 === 1) {
          const href = part.replace(/[.,;:!?]+$/, "");
          return (
            <Fragment key={key}>
              <a href={href} rel="noreferrer">
                {href}
              </a>
              {part.slice(href.length)}
            </Fragment>
          );
        }
        return <Fragment key={key}>{part}</Fragment>;
      })}
    </pre>
  );
}
